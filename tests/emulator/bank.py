"""Helpers for the ACH Direct Debit tests: Stripe's test bank numbers and a server-side debit."""
SUCCEEDS = "000123456789"
INSUFFICIENT_FUNDS = "000222222227"  # verifies, then the debit fails: insufficient_funds
ROUTING = "110000000"
MANDATE_DATA = {"customer_acceptance": {
    "type": "online", "online": {"ip_address": "203.0.113.7", "user_agent": "Mozilla/5.0"}}}
BILLING = {"name": "Jenny Rosen", "email": "jenny@example.com"}
# Four business days from any weekday fit in six calendar days.
SETTLEMENT_DAYS = 6


def bank_intent(client, account=SUCCEEDS, amount=10_000, confirm=True, **params):
    """A USD PaymentIntent paid by a bank account typed in by hand, confirmed with a mandate."""
    body = {
        "amount": amount, "currency": "usd", "allowed_payment_method_types": ["us_bank_account"],
        "payment_method_data": typed_in(account), "metadata": {"order_id": "42"}, **params}
    if confirm:
        body.update(confirm=True, mandate_data=MANDATE_DATA)
    return client.v1.payment_intents.create(body)


def typed_in(account):
    """A bank account typed in by hand, as `payment_method_data`."""
    return {"type": "us_bank_account", "billing_details": BILLING,
            "us_bank_account": {"routing_number": ROUTING, "account_number": account,
                                "account_holder_type": "individual"}}


def debit_confirmed(v1, intent_id, account=SUCCEEDS):
    """A shop's PaymentIntent confirmed with a bank account typed in by hand, as Stripe.js
    confirms it, and its microdeposits verified: `processing`. `v1`: a StripeClient's v1."""
    v1.payment_intents.confirm(intent_id, {"payment_method_data": typed_in(account),
                                           "mandate_data": MANDATE_DATA})
    return v1.payment_intents.verify_microdeposits(intent_id, {"amounts": [32, 45]})


def verified(client, account=SUCCEEDS, **params):
    """A bank debit that has passed microdeposit verification: `processing`."""
    intent = bank_intent(client, account, **params)
    return client.v1.payment_intents.verify_microdeposits(intent.id, {"amounts": [32, 45]})
