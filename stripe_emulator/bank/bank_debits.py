"""ACH Direct Debit on a PaymentIntent or a SetupIntent: mandate, microdeposits, and
settlement days later.

confirm → a mandate from `mandate_data`; a verified account (linked in the bank dialog, or
microdeposits already checked) → `processing` with a pending charge; an account typed in by
hand → `requires_action` / `verify_with_microdeposits` until `verify_microdeposits` gets the
test amounts 32 and 45 or the descriptor code SM11AA (10/11 or SM33CC: too many attempts;
40/41 or SM44DD: timed out; three wrong amounts or ten wrong codes end it too; ten days
without an answer time it out). Four business days after it starts processing the bank
settles: `succeeded`, or back to `requires_payment_method` with the account's failure, or
succeeded and then disputed (000555555559); 000000000009 never settles. Bank refunds are
`pending` for three business days, then `succeeded`.

A SetupIntent takes the same mandate and verification, and succeeds once the account is
verified (at once when linked in the bank dialog); the PaymentMethod is then the customer's,
its mandate active and reused by later PaymentIntents that name no mandate of their own.
"""
import copy

from ..machinery.emulator import Call
from ..machinery.errors import StripeError, doc_url, invalid_param, missing_param, unexpected_state
from ..machinery.events import emit
from ..machinery.store import random_token
from ..payments import (balance_transactions, bank_accounts, charges, debits, disputes, mandates,
                        payment_intents, payment_methods, setup_intents)
from ..payments.fees import business_days_after

SETTLEMENT_BUSINESS_DAYS = 4     # "A payment typically takes 4 business days"
MICRODEPOSIT_BUSINESS_DAYS = 2   # "These deposits take 1-2 business days to appear"
REFUND_BUSINESS_DAYS = 3         # "the refund typically takes three working days"
VERIFICATION_DAYS = 10           # "microdeposit verifications have a timeout of 10 days"
ATTEMPTS = {"amounts": 3, "descriptor_code": 10}

TEST_AMOUNTS = (32, 45)
TEST_DESCRIPTOR_CODE = "SM11AA"
TOO_MANY_ATTEMPTS = ((10, 11), "SM33CC")
TIMED_OUT = ((40, 41), "SM44DD")

# Stripe's error-code reference, word for word.
VERIFICATION_ERRORS = {
    "payment_method_microdeposit_verification_amounts_invalid":
        "You must provide exactly two microdeposit amounts.",
    "payment_method_microdeposit_verification_amounts_mismatch":
        "The amounts provided do not match the amounts that were sent to the bank account.",
    "payment_method_microdeposit_verification_descriptor_code_mismatch":
        "The verification code provided does not match the one sent to the bank account.",
    "payment_method_microdeposit_verification_attempts_exceeded":
        "You have exceeded the number of allowed verification attempts.",
    "payment_method_microdeposit_verification_timeout":
        "Payment method should be verified with microdeposits within the required period.",
}
VERIFY_PARAMS = {"amounts": None, "descriptor_code": None, "client_secret": None}
COLLECT_PARAMS = {"client_secret": None, "payment_method_data": payment_methods.DATA,
                  "linked_account": None}


def background(call):
    """The context for what the bank does later, outside any request."""
    return Call(call.emulator, base_url=call.base_url, api_version=call.api_version)


# The intents' modules by the id's prefix: both have intent_for and carried_by.
_INTENTS = {"pi": payment_intents, "seti": setup_intents}


def api_collect_bank_account(call, intent_id, params):
    """POST /v1/payment_intents/<id>/collect_bank_account (or setup_intents), the emulator's
    own endpoint behind Stripe.js's bank dialog (client_secret required)."""
    intents = _INTENTS[intent_id.partition("_")[0]]
    intent = intents.intent_for(call, intent_id, params, secret_required=True)
    with intents.carried_by(intent):
        return collect(call, intent, params)


def api_verify_microdeposits(call, intent_id, params):
    """POST /v1/payment_intents/<id>/verify_microdeposits (or setup_intents)."""
    intents = _INTENTS[intent_id.partition("_")[0]]
    intent = intents.intent_for(call, intent_id, params, secret_required=call.publishable)
    with intents.carried_by(intent):
        return verify_microdeposits(call, intent, params)


def _is_setup(intent):
    return intent["object"] == "setup_intent"


def collect(call, intent, params):
    """What the bank dialog sends: the account the customer linked or typed in becomes the
    intent's PaymentMethod, and the intent waits for confirmation."""
    if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise unexpected_state(f"You cannot collect a bank account for this PaymentIntent "
                               f"because it has a status of {intent['status']}.")
    data = params.hash("payment_method_data")
    if data.string("type") != "us_bank_account":
        raise invalid_param("payment_method_data[type] must be us_bank_account.",
                            param="payment_method_data[type]")
    payment_method = payment_methods.create(call, data,
                                            linked_account=params.string("linked_account"))
    intent.update(payment_method=payment_method["id"], status="requires_confirmation",
                  next_action=None)
    intent["last_setup_error" if _is_setup(intent) else "last_payment_error"] = None
    return intent


def confirm(call, intent, payment_method, params):
    """Start the debit, or ask for microdeposits first."""
    private = call.store.private[payment_method["id"]]
    debit = bank_accounts.debit_for(private["account_number"])
    saved = private.get("mandate")
    if saved and not params.hash("mandate_data").data and \
            call.store.get("mandate", saved)["status"] == "active":
        mandate = call.store.get("mandate", saved)   # set up earlier: the customer agreed then
    else:
        mandate = mandates.create(call, payment_method, params.hash("mandate_data"),
                                  verified=private["verified"])
    call.store.private[intent["id"]]["mandate"] = mandate["id"]
    if private["verified"]:
        _start_debit(call, intent, payment_method)
    elif debit.microdeposits_fail:
        _fail(call, intent, payment_method, debit.code, debit.message)
    else:
        _ask_for_microdeposits(call, intent)


def setup(call, intent, payment_method, params):
    """Save the account: its mandate now, verified at once or after microdeposits."""
    private = call.store.private[payment_method["id"]]
    mandate = mandates.create(call, payment_method, params.hash("mandate_data"),
                              verified=private["verified"])
    call.store.private[intent["id"]]["mandate"] = mandate["id"]
    private["mandate"] = mandate["id"]
    intent["mandate"] = mandate["id"]
    if private["verified"]:
        setup_intents.succeed(call, intent, payment_method)
    elif bank_accounts.debit_for(private["account_number"]).microdeposits_fail:
        debit = bank_accounts.debit_for(private["account_number"])
        _fail(call, intent, payment_method, debit.code, debit.message)
    else:
        _ask_for_microdeposits(call, intent)


def _ask_for_microdeposits(call, intent):
    token = random_token(24)
    call.store.private[intent["id"]].update(verification_token=token, failed_attempts=0)
    intent.update(status="requires_action", next_action={
        "type": "verify_with_microdeposits",
        "verify_with_microdeposits": {
            "arrival_date": business_days_after(call.store.now(), MICRODEPOSIT_BUSINESS_DAYS),
            "hosted_verification_url": f"{call.base_url}/microdeposits/{token}",
            "microdeposit_type": "descriptor_code",
        }})
    emit(call, f"{intent['object']}.requires_action", intent)
    later = background(call)
    call.store.clock.after(VERIFICATION_DAYS * 86_400,
                           lambda: _time_out(later, intent, token))


def _time_out(call, intent, token):
    if call.store.private[intent["id"]].get("verification_token") != token:
        return  # verified, or a new attempt since
    if intent["status"] == "requires_action":
        code = "payment_method_microdeposit_verification_timeout"
        _fail(call, intent, call.store.get("payment_method", intent["payment_method"]),
              code, VERIFICATION_ERRORS[code])


def intent_for_token(store, token):
    """The intent whose hosted verification page has this token, or None."""
    for intent in store.newest_first("payment_intent") + store.newest_first("setup_intent"):
        if token and store.private[intent["id"]].get("verification_token") == token:
            return intent
    return None


def verify_microdeposits(call, intent, params):
    """Check the amounts or the descriptor code; Stripe's error, carrying the intent, if wrong."""
    amounts, code = params.strings("amounts"), params.string("descriptor_code")
    if amounts is not None and code is not None:
        raise invalid_param("You may only specify one of these parameters: amounts, "
                            "descriptor_code.", code="parameters_exclusive")
    if amounts is None and code is None:
        raise missing_param("amounts")
    action = intent["next_action"] or {}
    if intent["status"] != "requires_action" or action.get("type") != "verify_with_microdeposits":
        raise unexpected_state(
            f"This {'SetupIntent' if _is_setup(intent) else 'PaymentIntent'} is not awaiting "
            f"microdeposit verification: it has a status of {intent['status']}.")
    if amounts is not None:
        if len(amounts) != 2:
            raise _verification_error("payment_method_microdeposit_verification_amounts_invalid",
                                      "amounts", saved=False)
        try:
            given = tuple(int(amount) for amount in amounts)
        except ValueError:
            raise invalid_param(f"Invalid integer: {amounts}", param="amounts",
                                code="parameter_invalid_integer") from None
        kind, answer, right = "amounts", given, TEST_AMOUNTS
        mismatch = "payment_method_microdeposit_verification_amounts_mismatch"
    else:
        kind, answer, right = "descriptor_code", code.strip().upper(), TEST_DESCRIPTOR_CODE
        mismatch = "payment_method_microdeposit_verification_descriptor_code_mismatch"
    payment_method = call.store.get("payment_method", intent["payment_method"])
    test_index = 0 if kind == "amounts" else 1
    if answer == TOO_MANY_ATTEMPTS[test_index]:
        raise _end_verification(call, intent, payment_method,
                                "payment_method_microdeposit_verification_attempts_exceeded")
    if answer == TIMED_OUT[test_index]:
        raise _end_verification(call, intent, payment_method,
                                "payment_method_microdeposit_verification_timeout")
    if answer != right:
        private = call.store.private[intent["id"]]
        private["failed_attempts"] += 1
        if private["failed_attempts"] >= ATTEMPTS[kind]:
            raise _end_verification(
                call, intent, payment_method,
                "payment_method_microdeposit_verification_attempts_exceeded")
        raise _verification_error(mismatch, kind)
    call.store.private[payment_method["id"]]["verified"] = True
    call.store.private[intent["id"]]["verification_token"] = None
    mandates.set_status(call, call.store.private[intent["id"]]["mandate"], "active")
    if _is_setup(intent):
        setup_intents.succeed(call, intent, payment_method)
    else:
        _start_debit(call, intent, payment_method)
    return intent


def _verification_error(code, param, saved=True):
    return StripeError(400, "invalid_request_error", VERIFICATION_ERRORS[code], code=code,
                       param=param, saved=saved)


def _end_verification(call, intent, payment_method, code):
    """The account can no longer be verified: the intent needs a new payment method."""
    call.store.private[intent["id"]]["verification_token"] = None
    _fail(call, intent, payment_method, code, VERIFICATION_ERRORS[code])
    error = _verification_error(code, None)
    error.payment_intent = intent
    return error


def _start_debit(call, intent, payment_method):
    mandate_id = call.store.private[intent["id"]]["mandate"]
    charge = charges.bank_debit(call, intent, payment_method, mandate_id)
    settles_at = business_days_after(call.store.now(), SETTLEMENT_BUSINESS_DAYS)
    balance_transactions.for_charge(call, charge, "us_bank_account", available_on=settles_at)
    intent.update(status="processing", next_action=None, latest_charge=charge["id"])
    payment_intents.save_for_future(call, intent, payment_method)
    if intent["setup_future_usage"]:
        call.store.private[payment_method["id"]]["mandate"] = mandate_id
    emit(call, "payment_intent.processing", intent)
    debit = bank_accounts.debit_for(call.store.private[payment_method["id"]]["account_number"])
    if debit.outcome != "processing":
        later = background(call)
        call.store.clock.at(settles_at, lambda: _settle(later, intent, charge, debit))


def _settle(call, intent, charge, debit):
    if intent["status"] != "processing" or intent["latest_charge"] != charge["id"]:
        return  # canceled meanwhile
    payment_method = call.store.get("payment_method", charge["payment_method"])
    if debit.outcome == "failed":
        charge.update(status="failed", failure_code=debit.code, failure_message=debit.message)
        balance_transactions.for_failed_debit(call, charge)
        emit(call, "charge.failed", charge)
        if debit.code in bank_accounts.MANDATE_ENDING_CODES:
            mandates.set_status(call, call.store.private[intent["id"]]["mandate"], "inactive")
        _fail(call, intent, payment_method, debit.code, debit.message, charge=charge)
        return
    charge.update(status="succeeded", paid=True)
    emit(call, "charge.succeeded", charge)
    intent.update(status="succeeded", amount_received=intent["amount"])
    emit(call, "payment_intent.succeeded", intent)
    if debit.outcome == "disputed":
        disputes.open_for(call, charge, reason="general")


def _fail(call, intent, payment_method, code, message, charge=None):
    if _is_setup(intent):
        setup_intents.fail(call, intent, payment_method, {
            "code": code, "doc_url": doc_url(code), "message": message,
            "type": "invalid_request_error"})
        return
    error = {"code": code, "doc_url": doc_url(code), "message": message,
             "payment_method": copy.deepcopy(payment_method), "type": "invalid_request_error"}
    if charge is not None:
        error["charge"] = charge["id"]
    intent.update(status="requires_payment_method", payment_method=None, next_action=None,
                  last_payment_error=error)
    emit(call, "payment_intent.payment_failed", intent)


def refund_pending(call, refund):
    """A bank refund is sent now and lands three business days later."""
    refund["status"] = "pending"
    later = background(call)
    call.store.clock.at(business_days_after(call.store.now(), REFUND_BUSINESS_DAYS),
                        lambda: _refund_lands(later, refund))


def _refund_lands(call, refund):
    if refund["status"] != "pending":
        return
    refund["status"] = "succeeded"
    emit(call, "refund.updated", refund)
    emit(call, "charge.refund.updated", refund)


# The intents and refunds find the bank in payments/debits.py, as they may not import this module.
debits.register("us_bank_account", confirm=confirm, refund=refund_pending, setup=setup)
