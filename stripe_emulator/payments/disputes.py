"""Disputes: a customer's bank taking a payment back (the ACH test account 000555555559)."""
from ..machinery.events import emit
from ..machinery.store import new_id
from . import balance_transactions

EVIDENCE_FIELDS = (
    "access_activity_log", "appeal", "billing_address", "cancellation_policy",
    "cancellation_policy_disclosure", "cancellation_rebuttal", "customer_communication",
    "customer_email_address", "customer_name", "customer_purchase_ip", "customer_signature",
    "duplicate_charge_documentation", "duplicate_charge_explanation", "duplicate_charge_id",
    "product_description", "receipt", "refund_policy", "refund_policy_disclosure",
    "refund_refusal_explanation", "service_date", "service_documentation", "shipping_address",
    "shipping_carrier", "shipping_date", "shipping_documentation", "shipping_tracking_number",
    "uncategorized_file", "uncategorized_text")


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
        "enhanced_eligibility_types": [],
        "evidence": {**{name: None for name in EVIDENCE_FIELDS},
                     "enhanced_evidence": {"mastercard_compliance": None,
                                           "visa_compelling_evidence_3": None,
                                           "visa_compliance": None}},
        "evidence_details": {"due_by": None,
                             "enhanced_eligibility": {"mastercard_compliance": None,
                                                      "visa_compelling_evidence_3": None,
                                                      "visa_compliance": None},
                             "has_evidence": False, "past_due": False, "submission_count": 0,
                             "submission_method": "not_submitted"},
        "intended_submission_method": None,
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "network_reason_code": None,
        "payment_intent": charge["payment_intent"],
        "payment_method_details": None,
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
