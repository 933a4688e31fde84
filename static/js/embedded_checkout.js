// Mounts Stripe's embedded Checkout for the order the server opened it for; Stripe's page then
// sends the customer to the shop's return page, which decides what they see.
const config = JSON.parse(document.getElementById("stripe-config").textContent);
const container = document.getElementById("embedded-checkout");
const message = document.getElementById("embedded-checkout-message");

try {
  const stripe = Stripe(config.publishableKey);
  const checkout = await stripe.initEmbeddedCheckout({
    fetchClientSecret: async () => container.dataset.clientSecret,
  });
  checkout.mount(container);
} catch (error) {
  message.textContent = "Stripe's payment form could not be loaded. Reload the page to try again.";
  message.dataset.kind = "error";
  console.error(error);
}
