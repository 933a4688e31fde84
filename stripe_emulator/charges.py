"""Charges: one per authorisation attempt a PaymentIntent makes, succeeded or failed."""
import copy

from .events import emit
from .store import new_id

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
        "failure_code": decline.code if decline else None,
        "failure_message": decline.message if decline else None,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(payment_intent["metadata"]),
        "on_behalf_of": None,
        "outcome": decline.outcome() if decline else dict(APPROVED_OUTCOME),
        "paid": decline is None,
        "payment_intent": payment_intent["id"],
        "payment_method": payment_method["id"],
        "payment_method_details": {"type": "card", "card": {
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
        }},
        "receipt_email": payment_intent["receipt_email"],
        "receipt_number": None,
        "receipt_url": None,  # set below, once the id is known
        "refunded": False,
        "review": None,
        "shipping": payment_intent["shipping"],
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "failed" if decline else "succeeded",
        "transfer_data": None,
        "transfer_group": None,
    })
    charge["receipt_url"] = receipt_url(call, charge["id"])
    emit(call, "charge.failed" if decline else "charge.succeeded", charge)
    return charge


def capture(call, charge, amount):
    """Capture `amount` of an authorisation; Stripe releases (refunds) the rest."""
    charge["captured"] = True
    charge["amount_captured"] = amount
    charge["amount_refunded"] = charge["amount"] - amount
    emit(call, "charge.captured", charge)


def receipt_url(call, charge_id):
    """Stripe's receipts live on its own site; the emulator's on its own origin (receipts.py)."""
    return f"{call.base_url}/receipts/{charge_id}"


def retrieve(call, charge_id):
    return call.store.get("charge", charge_id)
