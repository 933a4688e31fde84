// A suggested pay-what-you-want amount fills the amount field, which htmx then re-prices.
// Without JavaScript the buttons submit the form instead, and the server applies the amount.
for (const button of document.querySelectorAll("[data-suggested-for]")) {
  button.addEventListener("click", (event) => {
    // Enter in another field "clicks" the form's first submit button: not a choice of amount.
    if (event.detail === 0 && document.activeElement !== button) return;
    event.preventDefault();
    const input = document.getElementById(button.dataset.suggestedFor);
    input.value = button.value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
}
