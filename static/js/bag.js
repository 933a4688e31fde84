// The bag's quantity steppers: − and + step the line's quantity field, and the field's change
// event lets htmx keep the new quantity and re-price. Without JavaScript the buttons post the
// form and the server steps the quantity instead.
for (const button of document.querySelectorAll("[data-step]")) {
  button.addEventListener("click", (event) => {
    // Enter in another field "clicks" the form's first submit button: not a step.
    if (event.detail === 0 && document.activeElement !== button) return;
    event.preventDefault();
    const stepper = button.closest(".stepper");
    const input = stepper.querySelector("input");
    const min = Number(input.min || 1);
    const max = Number(input.max || Infinity);
    const current = Number.parseInt(input.value, 10);
    const next = Math.min(Math.max((Number.isNaN(current) ? min : current) + Number(button.dataset.step), min), max);
    input.value = String(next);
    for (const other of stepper.querySelectorAll("[data-step]")) {
      other.disabled = Number(other.dataset.step) < 0 ? next <= min : next >= max;
    }
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

// Each change is kept in the bag as it is made, beside htmx's GET of the price: a customer who
// leaves loses nothing. keepalive: the request outlives a page left at once.
const choose = document.querySelector("[data-keep-url]");
if (choose) {
  const form = choose.closest("form");
  let timer;
  const keep = () => {
    clearTimeout(timer);
    fetch(choose.dataset.keepUrl, { method: "POST", body: new FormData(form), keepalive: true });
  };
  choose.addEventListener("change", keep);
  choose.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(keep, 300); });
}

