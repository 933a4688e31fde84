// The tax for the shipping address (docs/tax.md): the price partial is a GET the same for everyone,
// without the address, so it comes without tax; the address panel then posts the form to the tax
// endpoint (its hx-post, on "tax-needed"), once every field the country asks for is filled in.
// Stripe is asked once per new address or amount to tax: the shop remembers its answers.
const panel = document.querySelector("[data-tax-address]");

function addressComplete() {
  const fields = panel.querySelectorAll("input, select");
  // The parcel's name is not needed for the tax.
  return [...fields].every((field) => field.name === "ship_name" || field.checkValidity());
}

function ask() {
  if (addressComplete()) htmx.trigger(panel, "tax-needed");
}

if (panel) {
  // A new country is priced first (its own request brings its fields); the tax follows that price.
  panel.addEventListener("change", (event) => {
    if (event.target.name !== "ship_country") ask();
  });
  // After each new price partial (a GET; the tax's own answer is a POST), ask again: once per
  // answer, which settles each element it swapped in (out of band ones too).
  const answered = new WeakSet();
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const { xhr, requestConfig } = event.detail;
    if (requestConfig?.verb !== "get" || !xhr || answered.has(xhr)) return;
    answered.add(xhr);
    ask();
  });
}
