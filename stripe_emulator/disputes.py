"""Disputes: a customer's bank taking a payment back (the ACH test account 000555555559)."""
from . import balance_transactions
from .events import emit
from .store import new_id


def open_for(call, charge, reason):
    """The bank disputes `charge` in full: the amount and Stripe's dispute fee leave the balance."""
    dispute = call.store.add({
        "id": new_id("du"),
        "object": "dispute",
        "amount": charge["amount"],
        "balance_transactions": [],
        "charge": charge["id"],
        "created": call.store.now(),
        "currency": charge["currency"],
        "evidence": {},
        "evidence_details": {"due_by": None, "has_evidence": False, "past_due": False,
                             "submission_count": 0},
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "payment_intent": charge["payment_intent"],
        "reason": reason,
        # Disputes of bank debits cannot be contested: they are lost at once.
        "status": "lost",
    })
    dispute["balance_transactions"].append(balance_transactions.for_dispute(call, dispute))
    charge["disputed"] = True
    emit(call, "charge.dispute.created", dispute)
    return dispute


def retrieve(call, dispute_id):
    return call.store.get("dispute", dispute_id)
