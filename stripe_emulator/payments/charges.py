"""Charges: one per authorisation attempt a PaymentIntent makes, succeeded or failed; a bank
debit's charge is `pending` until the bank settles it days later (bank/bank_debits.py)."""
import copy

from ..machinery.events import emit
from ..machinery.store import new_id
from . import balance_transactions

APPROVED_OUTCOME = {"network_status": "approved_by_network", "reason": None,
                    "risk_level": "normal", "seller_message": "Payment complete.",
                    "type": "authorized"}


def attempt(call, payment_intent, payment_method, *, decline=None, three_d_secure=False):
    """Record the issuer's answer; returns the Charge (events emitted)."""
    private = call.store.private[payment_method["id"]]
    card = payment_method["card"]
    captured = decline is None and payment_intent["capture_method"] != "manual"
    amount = payment_intent["amount"]
    cvc_check = "fail" if decline and decline.code == "incorrect_cvc" else \
        "pass" if private["cvc"] else None
    details = {"type": "card", "card": {
        "amount_authorized": None if decline else amount,
        "brand": card["brand"],
        "checks": {**card["checks"], "cvc_check": cvc_check},
        "country": card["country"],
        "exp_month": card["exp_month"],
        "exp_year": card["exp_year"],
        "fingerprint": card["fingerprint"],
        "funding": card["funding"],
        "installments": None,
        "last4": card["last4"],
        "mandate": None,
        "network": card["brand"],
        "three_d_secure": {"authentication_flow": "challenge", "result": "authenticated",
                           "result_reason": None, "version": "2.2.0"}
        if three_d_secure else None,
        "wallet": None,
    }}
    charge = record(call, payment_intent, payment_method, details,
                    status="failed" if decline else "succeeded", captured=captured,
                    outcome=decline.outcome() if decline else dict(APPROVED_OUTCOME),
                    failure=(decline.code, decline.message) if decline else None)
    if captured:
        balance_transactions.for_charge(call, charge, "card")
    emit(call, "charge.failed" if decline else "charge.succeeded", charge)
    return charge


def bank_debit(call, payment_intent, payment_method, mandate_id):
    """The pending charge of a bank debit that has just been sent (events emitted)."""
    bank = payment_method["us_bank_account"]
    details = {"type": "us_bank_account", "us_bank_account": {
        "account_holder_type": bank["account_holder_type"],
        "account_type": bank["account_type"],
        "bank_name": bank["bank_name"],
        "expected_debit_date": None,
        "fingerprint": bank["fingerprint"],
        "last4": bank["last4"],
        "mandate": mandate_id,
        "payment_reference": None,
        "routing_number": bank["routing_number"],
    }}
    outcome = {**APPROVED_OUTCOME, "risk_level": "not_assessed"}
    charge = record(call, payment_intent, payment_method, details, status="pending",
                    captured=True, outcome=outcome)
    emit(call, "charge.pending", charge)
    return charge


def record(call, payment_intent, payment_method, details, *, status, captured, outcome,
           failure=None):
    """Store a Charge of `payment_intent` with these payment method details."""
    amount = payment_intent["amount"]
    failure_code, failure_message = failure or (None, None)
    charge = call.store.add({
        "id": new_id("ch"),
        "object": "charge",
        "amount": amount,
        "amount_captured": amount if captured else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": copy.deepcopy(payment_method["billing_details"]),
        "calculated_statement_descriptor": "STRIPE EMULATOR",
        "captured": captured,
        "created": call.store.now(),
        "currency": payment_intent["currency"],
        "customer": payment_intent["customer"],
        "description": payment_intent["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": failure_code,
        "failure_message": failure_message,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(payment_intent["metadata"]),
        "on_behalf_of": None,
        "outcome": outcome,
        "paid": status == "succeeded",
        "payment_intent": payment_intent["id"],
        "payment_method": payment_method["id"],
        "payment_method_details": details,
        "receipt_email": payment_intent["receipt_email"],
        "receipt_number": None,
        "receipt_url": None,  # set below, once the id is known
        "refunded": False,
        "review": None,
        "shipping": payment_intent["shipping"],
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": status,
        "transfer_data": None,
        "transfer_group": payment_intent.get("transfer_group"),
    })
    charge["receipt_url"] = receipt_url(call, charge["id"])
    return charge


def capture(call, charge, amount):
    """Capture `amount` of an authorisation; Stripe releases (refunds) the rest."""
    charge["captured"] = True
    charge["amount_captured"] = amount
    charge["amount_refunded"] = charge["amount"] - amount
    balance_transactions.for_charge(call, charge, "card")
    emit(call, "charge.captured", charge)


def receipt_url(call, charge_id):
    """Stripe's receipts live on its own site; the emulator's on its own origin (receipts.py)."""
    return f"{call.base_url}/receipts/{charge_id}"


def retrieve(call, charge_id):
    return call.store.get("charge", charge_id)
