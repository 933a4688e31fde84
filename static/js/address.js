// The shipping address: a new country brings its own fields (the price partial swaps them in out
// of band); what the customer already typed stays in the fields the new country has too. pay.js
// loads it after the first new price, before a second country can replace typed fields.
let kept = {};

document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
  if (event.detail.target?.id !== "address-fields") return;
  kept = {};
  for (const field of event.detail.target.querySelectorAll("input, select")) kept[field.name] = field.value;
});

document.body.addEventListener("htmx:oobAfterSwap", (event) => {
  if (event.detail.target?.id !== "address-fields") return;
  for (const field of document.querySelectorAll("#address-fields input, #address-fields select")) {
    const value = kept[field.name];
    // A state of one country is no state of another: a select keeps only a value it offers.
    if (value && (field.tagName !== "SELECT" || [...field.options].some((o) => o.value === value))) field.value = value;
  }
});
