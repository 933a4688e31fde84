// The pay button: creates the PaymentMethod in Stripe's frames, asks the shop to charge it, and
// follows the shop's answer (receipt, 3-D Secure, price changed, decline). The server decides all.
import { stripe, cardElement, cardComplete } from "./card-fields.js";

const form = document.getElementById("checkout");
const button = form.querySelector("[data-pay-button]");
const message = document.getElementById("payment-message");
let busy = false;

// What the page says while paying; the decline messages come from the server (payments.py).
export const MESSAGES = {
  processing: "Processing your payment…",
  authenticate: "Your bank asks you to confirm this payment…",
  paid: "Payment complete. Loading your receipt…",
  priceChanged: "The price has changed. Check the new total, then press Pay again.",
  declined: "Your payment did not go through. Please try again.",
  tooMany: "Too many attempts. Please wait a minute and try again.",
  serverError: "Something went wrong on our side. You have not been charged twice; please try again.",
  offline: "We could not reach the shop. Check your connection and try again; you will not be charged twice.",
};

/** Shows `text` under the button; `kind` (info, error, success) is there for the stylesheet. */
export function say(text, kind = "info") {
  message.textContent = text || "";
  message.dataset.kind = kind;
}

function quoteOk() {
  return document.getElementById("price")?.dataset.quoteOk === "true";
}

function refresh() {
  button.disabled = busy || !cardComplete() || !quoteOk() || !form.elements.email.checkValidity();
  form.setAttribute("aria-busy", String(busy)); // .checkout[aria-busy="true"] while paying
}

/** Marks the checkout as paying (the button stays disabled) or not. */
export function setBusy(flag) {
  busy = flag;
  refresh();
}

document.addEventListener("card-fields:change", refresh);
document.body.addEventListener("htmx:afterSettle", refresh);
form.elements.email.addEventListener("input", refresh);
refresh();

async function post(url, body) {
  return fetch(url, { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
}

async function follow(response) {
  if (response.status === 409) {
    htmx.swap("#price", await response.text(), { swapStyle: "outerHTML" });
    say(MESSAGES.priceChanged, "error");
    return false;
  }
  const contentType = response.headers.get("Content-Type") || "";
  if (!contentType.includes("application/json")) {
    say(response.status === 429 ? MESSAGES.tooMany : MESSAGES.serverError, "error");
    return false;
  }
  const result = await response.json();
  if (result.next === "receipt") {
    say(MESSAGES.paid, "success");
    window.location.assign(result.url);
    return true;
  }
  if (result.next === "authenticate") {
    say(MESSAGES.authenticate);
    await stripe.handleCardAction(result.client_secret);
    // Whatever happened in the bank's window, the server asks Stripe and tells us what follows.
    const body = new FormData();
    body.set("csrf_token", form.elements.csrf_token.value);
    return follow(await post(result.confirm_url, body));
  }
  say(result.message || MESSAGES.declined, "error");
  return false;
}

async function pay() {
  setBusy(true);
  say(MESSAGES.processing);
  let done = false;
  try {
    const { paymentMethod, error } = await stripe.createPaymentMethod({
      type: "card",
      card: cardElement(),
      billing_details: { email: form.elements.email.value },
    });
    if (error) {
      say(error.message, "error");
      return;
    }
    const body = new FormData(form);
    body.set("payment_method", paymentMethod.id);
    done = await follow(await post(form.dataset.payUrl, body));
  } catch (error) {
    say(MESSAGES.offline, "error");
  } finally {
    setBusy(done); // stay disabled while the receipt loads
  }
}

button.addEventListener("click", (event) => {
  event.preventDefault();
  if (!busy) pay();
});

// Enter in a field submits the form (Stripe.js does the same for Enter in a card field): pay,
// as the button would, rather than post the form for a new price.
form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!busy && !button.disabled) pay();
});
