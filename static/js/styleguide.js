// The style guide (development only): token swatches and editor, and the states that exist only
// in the browser, put on through the shop's own JavaScript. See storefront/styleguide.py.
const bar = document.querySelector("[data-styleguide-state]");
const root = document.documentElement;

for (const swatch of document.querySelectorAll("[data-swatch]")) {
  swatch.style.background = `var(${swatch.dataset.swatch})`;
}

// Typing a value sets the token on :root, as a designer's stylesheet would (card fields included).
for (const input of document.querySelectorAll("[data-token-input]")) {
  input.addEventListener("input", () => root.style.setProperty(input.dataset.tokenInput, input.value));
}

// Stripe's own wording for these errors (its fields report them as they are typed).
const EXAMPLE_ERRORS = {
  cardNumber: "Your card number is invalid.",
  cardExpiry: "Your card's expiration year is in the past.",
  cardCvc: "Your card's security code is incomplete.",
  card: "Your card number is invalid.",
};

// Stripe.js sets the container classes from its fields' state at every event (autofill checks
// included), so the example classes are put back until the visitor goes into a field.
function exampleClasses(name) {
  const wanted = `StripeElement--${name}`;
  const keep = new MutationObserver(apply);
  function apply() {
    for (const container of document.querySelectorAll("[data-stripe-element]")) {
      const classes = container.classList;
      if (!classes.contains(wanted) || classes.contains("StripeElement--empty")) {
        classes.remove("StripeElement--empty");
        classes.add(wanted);
      }
      keep.observe(container, { attributes: true, attributeFilter: ["class"] });
    }
  }
  apply();
  window.addEventListener("blur", () => keep.disconnect(), { once: true }); // focus went into a frame
  for (const container of document.querySelectorAll("[data-stripe-element]")) {
    const type = container.dataset.stripeElement;
    const error = document.querySelector(`[data-error-for="${type}"]`);
    if (name === "invalid" && error) error.textContent = EXAMPLE_ERRORS[type];
  }
  const brand = document.querySelector("[data-card-brand]");
  if (name === "complete" && brand) brand.textContent = "Visa";
}

async function putOn(state) {
  if (!document.getElementById("checkout")) return; // the receipt needs nothing more
  const { cardElement } = await import("./card-fields.js");
  const { say, setBusy } = await import("./pay.js");
  const { MESSAGES } = await import("./paying.js");
  switch (state) {
    case "focused": {
      const element = cardElement();
      element.on("ready", () => element.focus());
      element.focus();
      break;
    }
    case "invalid":
    case "complete":
      exampleClasses(state);
      break;
    case "processing":
      setBusy(true);
      say(MESSAGES.processing);
      break;
    case "three-d-secure":
      setBusy(true);
      say(MESSAGES.authenticate);
      break;
    case "declined":
      say(bar.dataset.styleguideMessage, "error");
      break;
    case "price-changed":
      say(MESSAGES.priceChanged, "error");
      break;
  }
  document.body.dataset.styleguideReady = state; // for the tests and screenshots
}

if (bar) putOn(bar.dataset.styleguideState);
