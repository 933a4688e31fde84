// Keeps each field's aria-invalid in step with its error line, which the price partial swaps in:
// invalid while the line has a message. The server renders both, for pages without JavaScript.

function mark() {
  for (const line of document.querySelectorAll('.field__error[id^="error-"]')) {
    const invalid = line.textContent.trim() !== "";
    for (const field of document.querySelectorAll(`[aria-describedby~="${line.id}"]`)) {
      if (invalid) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    }
  }
}

document.body.addEventListener("htmx:afterSettle", mark);
document.body.addEventListener("field-errors:changed", mark); // the pay answer's messages
mark();
