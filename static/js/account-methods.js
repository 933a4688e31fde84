// The account page's saved ways of paying: add a card (a SetupIntent the shop makes, confirmed
// here with the card fields: confirmCardSetup, 3-D Secure included), link a bank account
// (Stripe's dialog, the mandate, confirmUsBankAccountSetup), and verify microdeposits
// (verifyMicrodepositsForSetup). Removing one and choosing the default are plain forms.
// Each success reloads the page, which lists what Stripe has saved.
import { stripe, cardElement } from "./card-fields.js";

const form = document.getElementById("add-method");
const message = form.querySelector("[data-methods-message]");
const part = (name) => form.querySelector(`[data-${name}]`);
const clicked = (button) => new Promise((resolve) => button.addEventListener("click", resolve, { once: true }));
let busy = false;

function say(text, kind = "info") {
  message.textContent = text || "";
  message.dataset.kind = kind;
  if (kind === "error" && text) message.focus();
}

/** The client secret of a SetupIntent for `kind`, from the shop (null: it said why). */
async function setupIntent(kind) {
  const body = new FormData(form);
  body.set("kind", kind);
  const response = await fetch(form.dataset.setupUrl, {
    method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
  const result = response.headers.get("Content-Type")?.includes("application/json") ? await response.json() : {};
  if (!response.ok) say(result.message || "Something went wrong on our side. Please try again.", "error");
  return response.ok ? result.client_secret : null;
}

async function addCard() {
  say("Saving your card…");
  const secret = await setupIntent("card");
  if (!secret) return;
  // Stripe.js shows the bank's 3-D Secure window itself when the card asks for it.
  const { setupIntent: saved, error } = await stripe.confirmCardSetup(secret, { payment_method: { card: cardElement() } });
  if (error || saved.status !== "succeeded") {
    say(error ? error.message : "Your card was not saved. Please try again.", "error");
    return;
  }
  say("Card saved.", "success");
  window.location.reload();
}

async function linkBank() {
  const name = part("bank-holder").value.trim();
  if (!name) {
    say("Enter the account holder's name.", "error");
    return;
  }
  say("Choose your bank account in the window that opens…");
  const secret = await setupIntent("us_bank_account");
  if (!secret) return;
  const { setupIntent: collected, error } = await stripe.collectBankAccountForSetup({
    clientSecret: secret,
    expand: ["payment_method"],
    params: { payment_method_type: "us_bank_account", payment_method_data: { billing_details: { name } } },
  });
  if (error || collected.status === "requires_payment_method") {
    say(error ? error.message : "No bank account was chosen.", "error");
    return;
  }
  const bank = collected.payment_method?.us_bank_account;
  part("bank-account").textContent = bank ? `${bank.bank_name || "Bank"} account ending ${bank.last4}` : "";
  part("mandate").hidden = false;
  say("Read the authorisation, then press Agree and link.");
  await clicked(part("agree"));
  part("mandate").hidden = true;
  const { setupIntent: linked, error: refused } = await stripe.confirmUsBankAccountSetup(secret);
  if (refused) {
    say(refused.message, "error");
    return;
  }
  say(linked.status === "succeeded" ? "Bank account linked." : "Check your bank account for two small deposits.", "success");
  window.location.reload(); // lists it, or asks for the deposits
}

async function verify(box) {
  const amounts = [...box.querySelectorAll("[data-amount]")].map((input) => Number(input.value.trim()));
  const { setupIntent: verified, error } = await stripe.verifyMicrodepositsForSetup(box.dataset.clientSecret, { amounts });
  if (error) {
    say(error.message, "error");
    return;
  }
  say(verified.status === "succeeded" ? "Bank account verified." : "Not verified yet.", "success");
  window.location.reload();
}

function once(task) {
  return async (...args) => {
    if (busy) return;
    busy = true;
    try {
      await task(...args);
    } catch (error) {
      say("We could not reach the shop or Stripe. Check your connection and try again.", "error");
    } finally {
      busy = false;
    }
  };
}

part("add-card").addEventListener("click", once(addCard));
part("link-bank").addEventListener("click", once(linkBank));
for (const box of document.querySelectorAll("[data-waiting]")) {
  box.querySelector("[data-verify]").addEventListener("click", once(() => verify(box)));
}
