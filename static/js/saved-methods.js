// A saved card or bank account is priced as its kind (a bank account's discount): choosing one
// ticks its kind's method radio, whose change asks for the price partial (pay.js shows the panel).
// Loaded only on a page that lists saved methods, so a guest's first visit never carries it.
const form = document.getElementById("checkout");

function priceFor(kind) {
  const radio = kind && [...form.querySelectorAll('input[name="method"]')].find((input) => input.value === kind);
  if (radio && !radio.checked) {
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

form.addEventListener("change", (event) => {
  if (event.target.name === "saved_method") priceFor(event.target.dataset.kind);
});
// The one chosen at first, once htmx listens (it starts at DOMContentLoaded, after modules run).
document.addEventListener("DOMContentLoaded", () => {
  priceFor(form.querySelector('input[name="saved_method"]:checked')?.dataset.kind);
});
