// A payment, once Pay is pressed (pay.js imports this module when the customer turns to the pay
// panel): asks the chosen way of paying for what the shop needs (a card's PaymentMethod, created
// in Stripe's frames), asks the shop to charge, and follows the shop's answer (receipt,
// 3-D Secure, price changed, decline, or a step the method's own module handles, e.g. bank.js).
// The server decides all.
import { stripe, cardElement } from "./card-fields.js";
import { PROCESSING, say } from "./pay.js";

const form = document.getElementById("checkout");

// What the page says while paying; the decline messages come from the server (payments.py).
export const MESSAGES = {
  processing: PROCESSING,
  authenticate: "Your bank asks you to confirm this payment…",
  paid: "Payment complete. Loading your receipt…",
  priceChanged: "The price has changed. Check the new total, then press Pay again.",
  declined: "Your payment did not go through. Please try again.",
  tooMany: "Too many attempts. Please wait a minute and try again.",
  serverError: "Something went wrong on our side. You have not been charged twice; please try again.",
};

// A way of paying: prepare() gives the fields the pay request needs (null: stop, it said why);
// steps are the shop's next steps it handles, by name: async (answer) -> done.
export const card = {
  async prepare() {
    const { paymentMethod, error } = await stripe.createPaymentMethod({
      type: "card",
      card: cardElement(),
      billing_details: { email: form.elements.email.value },
    });
    if (error) say(error.message, "error");
    return error ? null : { payment_method: paymentMethod.id };
  },
  steps: { authenticate },
};
// A saved card or bank account: its radio is posted with the form; the bank may still ask.
export const saved = { async prepare() { return {}; }, steps: { authenticate } };
let steps = {}; // those of the method being paid with

/** Pays with `method`; true once the receipt is loading. */
export async function pay(method) {
  steps = method.steps;
  const fields = await method.prepare();
  if (!fields) return false;
  const body = new FormData(form);
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return follow(await post(form.dataset.payUrl, body));
}

async function post(url, body) {
  return fetch(url, { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
}

/** Tells the shop the browser's step with Stripe is over; follows what it says next. */
export async function confirmStep(url) {
  const body = new FormData();
  body.set("csrf_token", form.elements.csrf_token.value);
  return follow(await post(url, body));
}

async function authenticate(result) {
  say(MESSAGES.authenticate);
  await stripe.handleCardAction(result.client_secret);
  // Whatever happened in the bank's window, the server asks Stripe and tells us what follows.
  return confirmStep(result.confirm_url);
}

// The shop's messages about fields (the shipping address's, say) under the fields themselves.
function showErrors(errors) {
  for (const [name, text] of Object.entries(errors)) {
    const line = document.getElementById(`error-${name}`);
    if (line) line.textContent = text;
  }
  document.body.dispatchEvent(new Event("field-errors:changed"));
}

async function follow(response) {
  const contentType = response.headers.get("Content-Type") || "";
  const json = contentType.includes("application/json");
  // A 409 in HTML is the fresh price partial; in JSON, the order is being paid by another
  // request (another window, or one cut off with its server): its message says to wait.
  if (response.status === 409 && !json) {
    htmx.swap("#price", await response.text(), { swapStyle: "outerHTML" });
    say(MESSAGES.priceChanged, "error");
    return false;
  }
  if (!json) {
    say(response.status === 429 ? MESSAGES.tooMany : MESSAGES.serverError, "error");
    return false;
  }
  const result = await response.json();
  if (result.next === "receipt") {
    say(MESSAGES.paid, "success");
    window.location.assign(result.url);
    return true;
  }
  if (steps[result.next]) return steps[result.next](result);
  if (result.next === "fix") showErrors(result.errors || {});
  say(result.message || MESSAGES.declined, "error");
  return false;
}
