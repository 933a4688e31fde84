// The pay button: asks the chosen way of paying for what the shop needs (a card's PaymentMethod,
// created in Stripe's frames), asks the shop to charge, and follows the shop's answer (receipt,
// 3-D Secure, price changed, decline, or a step another method's module handles, e.g. bank.js).
// The server decides all.
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

// Ways of paying, by the form's `method` value: ready() says whether the button may be pressed,
// prepare() gives the fields the pay request needs (null: stop, the method said why).
const methods = {
  card: {
    ready: cardComplete,
    async prepare() {
      const { paymentMethod, error } = await stripe.createPaymentMethod({
        type: "card",
        card: cardElement(),
        billing_details: { email: form.elements.email.value },
      });
      if (error) say(error.message, "error");
      return error ? null : { payment_method: paymentMethod.id };
    },
  },
};
// The shop's next steps that a method's module handles: name -> async (answer) -> done.
const steps = { authenticate };

/** Adds a way of paying (its module calls this once). */
export function addMethod(name, method, moreSteps = {}) {
  methods[name] = method;
  Object.assign(steps, moreSteps);
  refresh();
}

function chosen() {
  return methods[form.elements.method?.value || "card"] || methods.card;
}

function showChosen() {
  const name = form.elements.method?.value || "card";
  for (const panel of form.querySelectorAll("[data-method-panel]")) panel.hidden = panel.dataset.methodPanel !== name;
  refresh();
}

function quoteOk() {
  return document.getElementById("price")?.dataset.quoteOk === "true";
}

function refresh() {
  button.disabled = busy || !chosen().ready() || !quoteOk() || !form.elements.email.checkValidity();
  form.setAttribute("aria-busy", String(busy)); // .checkout[aria-busy="true"] while paying
}

/** Marks the checkout as paying (the button stays disabled) or not. */
export function setBusy(flag) {
  busy = flag;
  refresh();
}

document.addEventListener("card-fields:change", refresh);
form.addEventListener("change", (event) => { if (event.target.name === "method") showChosen(); });
form.addEventListener("input", refresh);
document.body.addEventListener("htmx:afterSettle", refresh);
showChosen();

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
  if (steps[result.next]) return steps[result.next](result);
  say(result.message || MESSAGES.declined, "error");
  return false;
}

async function pay() {
  setBusy(true);
  say(MESSAGES.processing);
  let done = false;
  try {
    const fields = await chosen().prepare();
    if (!fields) return;
    const body = new FormData(form);
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
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
// A button marked data-native-submit ("Add to bag", "Remove") posts the form as it would
// without JavaScript when the customer chose it, not when Enter in a field picked it as the
// form's default button.
let pressed = null;
form.addEventListener("pointerdown", (event) => { pressed = event.target.closest("button"); });
form.addEventListener("submit", (event) => {
  const submitter = event.submitter;
  if (submitter && "nativeSubmit" in submitter.dataset
      && (submitter === pressed || submitter === document.activeElement)) return;
  event.preventDefault();
  if (!busy && !button.disabled) pay();
});
