// Theme tokens for Stripe's card fields. Elements are iframes that page CSS and CSS custom
// properties never reach, so the page's computed style is read here and handed to Stripe.js as
// the Elements' `style` option, again whenever the tokens may have changed.

/** Stripe's `style` option for an Element in `container`: the container's own font and colour,
 *  and the state colours from the theme tokens (as they apply at the container). */
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

/** Calls `callback` when the tokens may have changed: a class, style attribute or data-theme on
 *  <html> or <body>, the visitor's colour scheme, or a `theme:change` event on the document. */
export function onThemeChange(callback) {
  const observer = new MutationObserver(callback);
  for (const node of [document.documentElement, document.body]) {
    observer.observe(node, { attributes: true, attributeFilter: ["class", "style", "data-theme"] });
  }
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", callback);
  document.addEventListener("theme:change", callback);
}
