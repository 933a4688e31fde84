// Mounts Stripe's card Elements into the containers that templates place with the card-field
// macros, shows each field's own error and the card brand, and tells the page when all are complete.
// Their look is the page's theme tokens: Stripe's frames are iframes that page CSS never reaches,
// so the computed style is handed to Stripe.js as the Elements' `style` option, again when a
// token may have changed (docs/designers.md).

const config = JSON.parse(document.getElementById("stripe-config").textContent);

export const stripe = Stripe(config.publishableKey, { locale: config.locale || "auto" });
const elements = stripe.elements();

const BRANDS = {
  visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover",
  diners: "Diners Club", jcb: "JCB", unionpay: "UnionPay",
};
// Stripe reports nothing for a field left empty; a customer deserves to hear which one is missing.
const EMPTY_MESSAGES = {
  cardNumber: "Enter your card number.",
  cardExpiry: "Enter the expiry date.",
  cardCvc: "Enter the security code.",
  card: "Enter your card details.",
};

/** Stripe's `style` for an Element in `container`: its font and colour, the tokens' state colours there. */
function cardStyle(container) {
  const css = getComputedStyle(container);
  const token = (name) => css.getPropertyValue(name).trim();
  return {
    base: {
      color: css.color,
      fontFamily: css.fontFamily,
      fontSize: css.fontSize,
      fontWeight: css.fontWeight,
      lineHeight: css.lineHeight,
      letterSpacing: css.letterSpacing,
      iconColor: token("--color-icon"),
      "::placeholder": { color: token("--color-placeholder") },
    },
    complete: { color: token("--color-complete") },
    invalid: { color: token("--color-error"), iconColor: token("--color-error") },
  };
}

/** Calls `callback` when the tokens may have changed: a class, style or data-theme on <html> or
 *  <body>, the colour scheme, or a `theme:change` event on the document. */
function onThemeChange(callback) {
  const observer = new MutationObserver(callback);
  for (const node of [document.documentElement, document.body]) {
    observer.observe(node, { attributes: true, attributeFilter: ["class", "style", "data-theme"] });
  }
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", callback);
  document.addEventListener("theme:change", callback);
}

const fields = new Map(); // elementType -> {element, container, style, complete, empty, touched}

function errorLine(type) {
  return document.querySelector(`[data-error-for="${type}"]`);
}

function showError(type, message) {
  const line = errorLine(type);
  if (line) line.textContent = message || "";
}

function announce() {
  document.dispatchEvent(new CustomEvent("card-fields:change"));
}

for (const container of document.querySelectorAll("[data-stripe-element]")) {
  const type = container.dataset.stripeElement;
  const style = cardStyle(container);
  const element = elements.create(type, { style, ...(type === "card" ? { hidePostalCode: true } : {}) });
  const field = { element, container, style: JSON.stringify(style), complete: false, empty: true, touched: false };
  fields.set(type, field);
  element.on("change", (event) => {
    Object.assign(field, { complete: event.complete, empty: event.empty });
    showError(type, event.error ? event.error.message : "");
    if (event.brand !== undefined) {
      const badge = container.parentElement.querySelector("[data-card-brand]");
      if (badge) badge.textContent = BRANDS[event.brand] || "";
    }
    announce();
  });
  element.on("blur", () => {
    field.touched = true;
    if (field.empty) showError(type, EMPTY_MESSAGES[type]);
  });
  element.mount(container);
}

// A token changed (a theme switch, dark mode, a designer in the dev tools): restyle the fields.
onThemeChange(() => {
  for (const field of fields.values()) {
    const style = cardStyle(field.container);
    const serial = JSON.stringify(style);
    if (serial !== field.style) {
      field.style = serial;
      field.element.update({ style });
    }
  }
});

/** The Element that carries the card for createPaymentMethod (the number, or the single card). */
export function cardElement() {
  return (fields.get("cardNumber") || fields.get("card"))?.element;
}

export function cardComplete() {
  return fields.size > 0 && [...fields.values()].every((field) => field.complete);
}
