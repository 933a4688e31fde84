"""Refunds: full or partial, of a PaymentIntent's charge or of a charge named directly.

Each refund has its balance transaction (Stripe keeps its fee); a bank debit's refund is
`pending` until the bank has paid it back, days later (bank/bank_debits.py).

Most card refunds succeed at once. As on Stripe, two test cards' refunds change later, when
the emulator's clock passes REFUND_SETTLES_AFTER: 4000000000007726's begin `pending` and then
succeed; 4000000000005126's begin `succeeded` and then fail (`expired_or_canceled_card`), the
amount returning to the charge. A pending refund can be canceled. Each change emits
`refund.updated` and `charge.refund.updated`, and a failure `refund.failed` too.
"""
from ..machinery.emulator import Call
from ..machinery.errors import invalid_param, invalid_request
from ..machinery.events import emit
from ..machinery.params import FREE
from ..machinery.store import new_id, page
from . import balance_transactions, cards, debits
from .currencies import format_amount

CREATE_PARAMS = {"payment_intent": None, "charge": None, "amount": None, "reason": None,
                 "metadata": FREE, "refund_application_fee": None, "reverse_transfer": None,
                 "instructions_email": None, "origin": None, "currency": None, "customer": None}
LIST_PARAMS = {"payment_intent": None, "charge": None, "limit": None, "starting_after": None,
               "ending_before": None, "created": None}
CANCEL_PARAMS = {}
REASONS = ["duplicate", "fraudulent", "requested_by_customer"]
REFUND_SETTLES_AFTER = 30 * 60  # seconds of the emulator's clock
FAILURE_REASON = "expired_or_canceled_card"


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
    if charge["disputed"]:
        raise invalid_param("The charge you're attempting to refund has been charged back.",
                            code="charge_disputed")
    if not charge["captured"]:
        raise invalid_param(f"Charge {charge['id']} has not been captured. Cancel its "
                            "PaymentIntent to release the authorization instead.")
    return charge


def refund_charge(call, charge, amount, *, reason=None, metadata=None):
    # Releasing an uncaptured authorisation (a canceled intent) never fails later.
    later = _card(call, charge).refund if charge["captured"] else None
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
        "status": "pending" if later == cards.REFUND_PENDING else "succeeded",
        "transfer_reversal": None,
    })
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    method_type = charge["payment_method_details"]["type"]
    if charge["captured"] and charge["balance_transaction"]:
        balance_transactions.for_refund(call, refund, method_type)
    debit = debits.handler(method_type)  # us_bank_account: bank/bank_debits.py
    if debit is not None:
        debit.refund(call, refund)
    emit(call, "refund.created", refund)
    emit(call, "charge.refunded", charge)
    if later:
        # The clock runs this without a request: its events name none.
        later_call = Call(call.emulator, base_url=call.base_url, api_version=call.api_version)
        outcome = "failed" if later == cards.REFUND_FAILS_LATER else "succeeded"
        call.store.clock.after(REFUND_SETTLES_AFTER,
                               lambda: _settle(later_call, refund["id"], outcome))
    return refund


def _card(call, charge):
    number = call.store.private.get(charge["payment_method"] or "", {}).get("number")
    return cards.behaviour(number) if number else cards.APPROVED


def _settle(call, refund_id, outcome):
    """The refund's final status, some time after it was made (not if it was canceled since)."""
    refund = call.store.get("refund", refund_id)
    if refund["status"] in ("failed", "canceled") or refund["status"] == outcome:
        return
    if outcome == "failed":
        _give_back(call, refund, "failed", failure_reason=FAILURE_REASON)
    else:
        refund["status"] = "succeeded"
        _updated(call, refund)


def _give_back(call, refund, status, **fields):
    """The refund did not reach the customer: its amount is refundable on the charge again."""
    refund.update(status=status, **fields)
    if refund["balance_transaction"]:
        balance_transactions.for_failed_refund(call, refund)
    charge = call.store.get("charge", refund["charge"])
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    _updated(call, refund)


def _updated(call, refund):
    emit(call, "refund.updated", refund)
    emit(call, "charge.refund.updated", refund)
    if refund["status"] == "failed":
        emit(call, "refund.failed", refund)


def cancel(call, refund_id, params):
    refund = call.store.get("refund", refund_id)
    if refund["status"] not in ("pending", "requires_action"):
        raise invalid_request(f"Refund {refund_id} cannot be canceled because it has a status "
                              f"of {refund['status']}. Only a pending refund can be canceled.",
                              param="refund")
    _give_back(call, refund, "canceled")
    return refund


def retrieve(call, refund_id):
    return call.store.get("refund", refund_id)


def list_refunds(call, params):
    payment_intent_id, charge_id = params.string("payment_intent"), params.string("charge")
    refunds = [refund for refund in call.store.newest_first("refund")
               if payment_intent_id in (None, refund["payment_intent"])
               and charge_id in (None, refund["charge"])]
    return page(refunds, params, "/v1/refunds")
