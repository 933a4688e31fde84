// The pay button: enabled when the chosen way of paying, the email and the quote are good. It hands
// over to paying.js and the method's module, imported when the customer turns to paying.
import { cardComplete } from "./card-fields.js";

const form = document.getElementById("checkout");
const button = form.querySelector("[data-pay-button]");
const message = document.getElementById("payment-message");
const reason = form.querySelector("[data-pay-reason]");
let busy = false;
export const PROCESSING = "Processing your payment…"; // said at once, even before paying.js arrives

/** Shows `text` under the button, in place of what it said; `kind` (info, error, success) is there
 *  for the stylesheet. An error takes the focus: it is read out, and the customer goes on from it. */
export function say(text, kind = "info") {
  message.textContent = text || "";
  message.dataset.kind = kind;
  if (kind === "error" && text) message.focus();
}

/** Marks the checkout as paying (the button stays disabled) or not. */
export function setBusy(flag) {
  busy = flag;
  refresh();
}

// Ways of paying with their own module, which exports `method` (the card's is in paying.js).
const MODULES = { us_bank_account: "./bank.js" };
// A saved card or bank account chosen (its radio's value is the PaymentMethod) is "saved".
const chosen = () => (form.elements.saved_method?.value ? "saved" : form.elements.method?.value || "card");
const panel = (name) => form.querySelector(`[data-method-panel="${name}"]`);

// Stripe's card frames say when they are complete; another method's panel, when its inputs are valid.
function ready(name) {
  if (name === "saved") return true;
  if (name === "card") return cardComplete();
  const inputs = panel(name)?.querySelectorAll("input");
  return Boolean(inputs) && [...inputs].every((input) => input.checkValidity());
}

// The shipping address, when something ships: every field the country asks for, as it asks.
function addressReady() {
  const fields = form.querySelectorAll("[data-address] input, [data-address] select");
  return [...fields].every((field) => field.checkValidity());
}

// Why Pay is disabled, beside it (the button's description); nothing once it is enabled.
function whyNot(quoteOk, emailOk, methodOk, addressOk) {
  if (busy || (quoteOk && emailOk && methodOk && addressOk)) return "";
  if (!quoteOk) return "Fix the highlighted choice above to see your total.";
  const what = [addressOk ? "" : "shipping address", emailOk ? "" : "email",
    methodOk ? "" : (chosen() === "card" ? "card" : "bank account") + " details"].filter(Boolean);
  const list = what.length > 1 ? `${what.slice(0, -1).join(", ")} and ${what.at(-1)}` : what[0];
  return `Enter your ${list} to pay.`;
}

function refresh() {
  const quoteOk = document.getElementById("price")?.dataset.quoteOk === "true";
  const emailOk = form.elements.email.checkValidity();
  const methodOk = ready(chosen());
  const addressOk = addressReady();
  button.disabled = busy || !methodOk || !quoteOk || !emailOk || !addressOk;
  if (reason) reason.textContent = whyNot(quoteOk, emailOk, methodOk, addressOk);
  form.setAttribute("aria-busy", String(busy)); // .checkout[aria-busy="true"] while paying
}

// One message at a time: an earlier try's goes once the card is changed.
document.addEventListener("card-fields:change", () => {
  if (message.dataset.kind === "error" && !busy) say("");
});

const imported = new Map(); // URL -> promise; a failed import is tried again at the next Pay
function load(url) {
  if (!imported.has(url)) imported.set(url, import(url).catch((error) => { imported.delete(url); throw error; }));
  return imported.get(url);
}

async function modules() {
  const name = chosen();
  const own = MODULES[name];
  const [paying, method] = await Promise.all([load("./paying.js"), own && load(own)]);
  return { paying, method: method ? method.method : name === "saved" ? paying.saved : paying.card };
}

const prefetch = () => modules().catch(() => {}); // if they fail, Pay says so

function showChosen() {
  const name = chosen();
  for (const each of form.querySelectorAll("[data-method-panel]")) each.hidden = each.dataset.methodPanel !== name;
  const choice = form.querySelector(".method-choice");
  if (choice) choice.hidden = name === "saved";
  refresh();
}

document.addEventListener("card-fields:change", refresh);
document.addEventListener("card-fields:change", prefetch, { once: true });
form.elements.email.addEventListener("focus", prefetch, { once: true });
form.addEventListener("change", (event) => {
  if (event.target.name !== "method" && event.target.name !== "saved_method") return;
  showChosen();
  prefetch();
});
form.addEventListener("input", refresh);
document.body.addEventListener("htmx:afterSettle", refresh);
// Marks the fields a new price found fault with; not needed before the first new price. Nor is
// keeping typed address fields across countries before a first country has brought its fields.
document.body.addEventListener("htmx:afterSettle", () => {
  load("./field-errors.js");
  if (form.elements.ship_country) load("./address.js");
}, { once: true });
showChosen();

async function pay() {
  setBusy(true);
  say(PROCESSING);
  let done = false;
  try {
    const { paying, method } = await modules();
    done = await paying.pay(method);
  } catch (error) {
    say("We could not reach the shop. Check your connection and try again; you will not be charged twice.", "error");
  } finally {
    setBusy(done); // stay disabled while the receipt loads
  }
}

button.addEventListener("click", (event) => {
  event.preventDefault();
  if (!busy) pay();
});

// Enter in a field (a card field too: Stripe.js submits the form) pays as the button would. A
// data-native-submit button ("Add to bag", "Remove") posts the form when the customer chose it,
// not when Enter picked it as the form's default button.
let pressed = null;
form.addEventListener("pointerdown", (event) => { pressed = event.target.closest("button"); });
form.addEventListener("submit", (event) => {
  const submitter = event.submitter;
  if (submitter && "nativeSubmit" in submitter.dataset
      && (submitter === pressed || submitter === document.activeElement)) return;
  event.preventDefault();
  if (!busy && !button.disabled) pay();
});
