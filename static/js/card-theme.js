// Theme tokens for Stripe's card fields, iframes that page CSS never reaches: the computed style
// is handed to Stripe.js as the Elements' `style` option, again when a token may have changed.

/** Stripe's `style` for an Element in `container`: its font and colour, the tokens' state colours there. */
export function cardStyle(container) {
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
export function onThemeChange(callback) {
  const observer = new MutationObserver(callback);
  for (const node of [document.documentElement, document.body]) {
    observer.observe(node, { attributes: true, attributeFilter: ["class", "style", "data-theme"] });
  }
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", callback);
  document.addEventListener("theme:change", callback);
}
