// Paying from a US bank account (ACH Direct Debit). The shop creates the PaymentIntent; here
// Stripe's dialog collects the account, the customer agrees to the mandate shown by
// bank_account_field(), Stripe.js confirms, and microdeposits are verified if Stripe asks.
// The shop then asks Stripe how it went (confirmStep) and says what comes next.
// pay.js imports this module when the customer chooses the bank.
import { stripe } from "./card-fields.js";
import { say } from "./pay.js";
import { confirmStep, MESSAGES } from "./paying.js";

const form = document.getElementById("checkout");
const field = form.querySelector("[data-bank-field]");
const part = (name) => field.querySelector(`[data-bank-${name}]`);
const clicked = (button) => new Promise((resolve) => button.addEventListener("click", resolve, { once: true }));

async function collect(result) {
  say("Choose your bank account in the window that opens…");
  const { paymentIntent, error } = await stripe.collectBankAccountForPayment({
    clientSecret: result.client_secret,
    expand: ["payment_method"], // to name the account in the mandate
    params: {
      payment_method_type: "us_bank_account",
      payment_method_data: { billing_details: { name: part("name").value.trim(), email: form.elements.email.value } },
    },
  });
  if (error || paymentIntent.status === "requires_payment_method") {
    say(error ? error.message : "No bank account was chosen. Press Pay to try again.", "error");
    return false;
  }
  const bank = paymentIntent.payment_method?.us_bank_account;
  part("account").textContent = bank ? `${bank.bank_name || "Bank"} account ending ${bank.last4}` : "";
  part("mandate").hidden = false;
  say("Read the authorisation, then press Agree and pay.");
  await clicked(part("agree"));
  part("mandate").hidden = true;
  say(MESSAGES.processing);
  const { error: refused } = await stripe.confirmUsBankAccountPayment(result.client_secret);
  if (refused) say(refused.message, "error");
  return confirmStep(result.confirm_url); // the shop asks Stripe, whatever happened here
}

async function verify(result) {
  const link = part("verify-link");
  link.hidden = !result.verify_url;
  if (result.verify_url) link.href = result.verify_url;
  part("verify").hidden = false;
  say("Enter the two small deposits to verify your account.");
  const amounts = [...field.querySelectorAll("[data-bank-amount]")];
  amounts[0].focus();
  for (;;) {
    await clicked(part("verify-button"));
    say(MESSAGES.processing);
    const { error } = await stripe.verifyMicrodepositsForPayment(result.client_secret, {
      amounts: amounts.map((input) => Number(input.value.trim())),
    });
    // Wrong amounts may be typed again; anything else (too many tries) the shop explains.
    if (error?.code !== "payment_method_microdeposit_verification_amounts_mismatch") break;
    say(error.message, "error");
  }
  part("verify").hidden = true;
  return confirmStep(result.confirm_url);
}

// The pay request needs nothing more than the form: the account is chosen in Stripe's dialog.
export const method = { prepare: async () => ({}), steps: { collect, verify } };
