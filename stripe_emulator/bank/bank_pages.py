"""The pages a customer sees to pay by bank, served from the emulator's own origin.

- ``/v3/linked-accounts-inner.html`` — the bank dialog Stripe.js's
  ``collectBankAccountForPayment`` lays over the host page, in an iframe whose ``src``
  contains ``linked-accounts`` and whose title is "Link your bank account". Panes, in order:
  consent ("Connect your bank account", button "Agree and continue") → choose a bank
  (button "Test Institution", or button "Enter bank details manually") → for the test bank,
  log in (button "Log in") and pick an account (radio buttons named by the account's label:
  "Success", "Insufficient funds", "Account closed", "Disputed", "Stays processing"; button
  "Connect account") → "Account connected" (button "Done"). Manual entry: inputs labelled
  "Routing number", "Account number", "Confirm account number", button "Submit"; errors
  appear in ``role=alert``. A "Close" button (aria-label) cancels at any step. The bank
  details go from this frame to this origin's API only; the host page learns nothing but
  "collected" or "canceled".
- ``/microdeposits/<token>`` — the hosted verification page of
  ``next_action.verify_with_microdeposits.hosted_verification_url``: a plain HTML form (no
  script) with "Descriptor code" or "Amount 1" / "Amount 2" (in cents) and a "Verify account"
  button; the answer, or Stripe's error message, is shown on the page.
"""
from flask import Blueprint, abort, current_app, request

from ..machinery.emulator import Call
from ..machinery.errors import StripeError
from ..machinery.params import Params
from ..payments import bank_accounts
from ..stripejs.stripejs import FRAME_CSP, _page
from . import bank_debits

# Its templates are in stripe_emulator/templates/, beside the other pages'.
bp = Blueprint("bank_pages", __name__, template_folder="../templates")

HOSTED_CSP = FRAME_CSP.replace("script-src 'self'", "script-src 'none'")


@bp.get("/v3/linked-accounts-inner.html")
def bank_dialog():
    accounts = [(key, label, kind, number[-4:])
                for key, (label, kind, number) in bank_accounts.INSTANT_ACCOUNTS.items()]
    return _page("stripejs/bank_dialog.html", institution=bank_accounts.INSTITUTION,
                 accounts=accounts)


@bp.route("/microdeposits/<token>", methods=["GET", "POST"])
def hosted_verification(token):
    emulator = current_app.extensions["stripe_emulator"]
    error = None
    with emulator.lock:
        intent = bank_debits.intent_for_token(emulator.store, token)
        if intent is None:
            abort(404)
        if request.method == "POST":
            error = _verify(emulator, intent, request.form)
        status = intent["status"]
        action = (intent["next_action"] or {}).get("verify_with_microdeposits") or {}
        amount, currency = intent.get("amount"), intent.get("currency")  # none on a setup
    response = _page("stripejs/microdeposits.html", status=status, error=error,
                     microdeposit_type=action.get("microdeposit_type"), amount=amount,
                     currency=currency, form=request.form)
    response.headers["Content-Security-Policy"] = HOSTED_CSP
    if error:
        response.status_code = 400
    return response


def _verify(emulator, intent, form):
    """Stripe's error message, or None once the account is verified."""
    code = form.get("descriptor_code", "").strip()
    amounts = [form.get("amount_1", "").strip(), form.get("amount_2", "").strip()]
    data = {"descriptor_code": code} if code else {"amounts": [value for value in amounts
                                                               if value]}
    call = Call(emulator, base_url=request.host_url.rstrip("/"))
    try:
        bank_debits.verify_microdeposits(call, intent, Params(data))
    except StripeError as failure:
        return failure.message
    return None
