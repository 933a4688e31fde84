// Mounts Stripe's embedded Checkout for the order the server opened it for; Stripe's page then
// sends the customer to the shop's return page, which decides what they see.
const config = JSON.parse(document.getElementById("stripe-config").textContent);
const container = document.getElementById("embedded-checkout");
const message = document.getElementById("embedded-checkout-message");

try {
  const stripe = Stripe(config.publishableKey);
  // Stripe.js dahlia renamed initEmbeddedCheckout createEmbeddedCheckoutPage, and its old name
  // throws there; js.stripe.com/v3/ and the releases before dahlia have only the old one.
  const create = typeof stripe.createEmbeddedCheckoutPage === "function"
    ? stripe.createEmbeddedCheckoutPage : stripe.initEmbeddedCheckout;
  const checkout = await create.call(stripe, {
    fetchClientSecret: async () => container.dataset.clientSecret,
  });
  checkout.mount(container);
} catch (error) {
  message.textContent = "Stripe's payment form could not be loaded. Reload the page to try again.";
  message.dataset.kind = "error";
  console.error(error);
}
