// Keeps each selection field's aria-invalid in step with its error line. The server renders both
// (a page without JavaScript is already right); the price partial swaps new error lines in out of
// band, and this marks the fields they describe: a field is invalid while its line has a message.

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
mark();
