// The shipping address: a new country brings its own fields (the price partial swaps them in out
// of band); what the customer already typed stays in the fields the new country has too. pay.js
// loads it after the first new price, before a second country can replace typed fields.
// A postal code or a state belongs to its country: those start again.
const KEPT = ["ship_line1", "ship_line2", "ship_city"];
let kept = {};

document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
  if (event.detail.target?.id !== "address-fields") return;
  kept = {};
  for (const name of KEPT) kept[name] = event.detail.target.querySelector(`[name="${name}"]`)?.value;
});

document.body.addEventListener("htmx:oobAfterSwap", (event) => {
  if (event.detail.target?.id !== "address-fields") return;
  for (const name of KEPT) {
    const field = document.querySelector(`#address-fields [name="${name}"]`);
    if (field && kept[name]) field.value = kept[name];
  }
});
