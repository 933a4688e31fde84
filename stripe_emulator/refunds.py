"""Refunds: full or partial, of a PaymentIntent's charge or of a charge named directly.

Each refund has its balance transaction (Stripe keeps its fee); a bank debit's refund is
`pending` until the bank has paid it back, days later (bank_debits.py).
"""
from . import balance_transactions
from .currencies import format_amount
from .errors import invalid_param
from .events import emit
from .params import FREE
from .store import new_id, page

CREATE_PARAMS = {"payment_intent": None, "charge": None, "amount": None, "reason": None,
                 "metadata": FREE, "refund_application_fee": None, "reverse_transfer": None,
                 "instructions_email": None, "origin": None, "currency": None, "customer": None}
LIST_PARAMS = {"payment_intent": None, "charge": None, "limit": None, "starting_after": None,
               "ending_before": None, "created": None}
REASONS = ["duplicate", "fraudulent", "requested_by_customer"]


def create(call, params):
    payment_intent_id, charge_id = params.string("payment_intent"), params.string("charge")
    if not payment_intent_id and not charge_id:
        raise invalid_param("One of the following params should be provided for this request: "
                            "payment_intent or charge.")
    if payment_intent_id and charge_id:
        raise invalid_param("You may only specify one of these parameters: charge, "
                            "payment_intent.", code="parameters_exclusive")
    amount = params.integer("amount", minimum=1)
    reason = params.choice("reason", REASONS)
    metadata = params.metadata() or {}
    charge = _refundable_charge(call, payment_intent_id, charge_id)
    remaining = charge["amount"] - charge["amount_refunded"]
    if remaining == 0:
        raise invalid_param(f"Charge {charge['id']} has already been refunded.",
                            code="charge_already_refunded")
    if amount is not None and amount > remaining:
        what = "charge amount" if charge["amount_refunded"] == 0 \
            else "unrefunded amount on charge"
        raise invalid_param(f"Refund amount ({format_amount(amount, charge['currency'])}) is "
                            f"greater than {what} ({format_amount(remaining, charge['currency'])})",
                            param="amount")
    return refund_charge(call, charge, amount or remaining, reason=reason, metadata=metadata)


def _refundable_charge(call, payment_intent_id, charge_id):
    if payment_intent_id:
        payment_intent = call.store.get("payment_intent", payment_intent_id)
        charge = call.store.find(payment_intent["latest_charge"] or "")
        if charge is None or charge["status"] != "succeeded":
            raise invalid_param(f"This PaymentIntent ({payment_intent_id}) does not have a "
                                "successful charge to refund.", param="payment_intent")
    else:
        charge = call.store.get("charge", charge_id)
        if charge["status"] != "succeeded":
            raise invalid_param(f"Charge {charge_id} has not succeeded and cannot be refunded.",
                                param="charge")
    if not charge["captured"]:
        raise invalid_param(f"Charge {charge['id']} has not been captured. Cancel its "
                            "PaymentIntent to release the authorization instead.")
    return charge


def refund_charge(call, charge, amount, *, reason=None, metadata=None):
    refund = call.store.add({
        "id": new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": charge["id"],
        "created": call.store.now(),
        "currency": charge["currency"],
        "metadata": metadata or {},
        "payment_intent": charge["payment_intent"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    })
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    method_type = charge["payment_method_details"]["type"]
    if charge["captured"] and charge["balance_transaction"]:
        balance_transactions.for_refund(call, refund, method_type)
    if method_type == "us_bank_account":
        from . import bank_debits  # bank_debits builds on the intents, which build on refunds
        bank_debits.refund_pending(call, refund)
    emit(call, "refund.created", refund)
    emit(call, "charge.refunded", charge)
    return refund


def retrieve(call, refund_id):
    return call.store.get("refund", refund_id)


def list_refunds(call, params):
    payment_intent_id, charge_id = params.string("payment_intent"), params.string("charge")
    refunds = [refund for refund in call.store.newest_first("refund")
               if payment_intent_id in (None, refund["payment_intent"])
               and charge_id in (None, refund["charge"])]
    return page(refunds, params, "/v1/refunds")
