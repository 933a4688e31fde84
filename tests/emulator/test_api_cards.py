"""Every test card of the reference's table, through the official library."""
import pytest
import stripe

SUCCEEDING = [
    ("4242424242424242", "visa", "credit"),
    ("5555555555554444", "mastercard", "credit"),
    ("4000056655665556", "visa", "debit"),
    ("378282246310005", "amex", "credit"),
]

DECLINING = [
    ("4000000000000002", "card_declined", "generic_decline", "Your card was declined."),
    ("4000000000009995", "card_declined", "insufficient_funds",
     "Your card has insufficient funds."),
    ("4000000000009987", "card_declined", "lost_card", "Your card was declined."),
    ("4000000000009979", "card_declined", "stolen_card", "Your card was declined."),
    ("4000000000006975", "card_declined", "card_velocity_exceeded",
     "Your card was declined for making repeated attempts too frequently or exceeding its "
     "amount limit."),
    ("4000000000000069", "expired_card", "expired_card", "Your card has expired."),
    ("4000000000000127", "incorrect_cvc", "incorrect_cvc",
     "Your card's security code is incorrect."),
    ("4000000000000119", "processing_error", "processing_error",
     "An error occurred while processing your card. Try again in a little bit."),
    ("4100000000000019", "card_declined", "fraudulent", "Your card was declined."),
    ("4000000000000341", "card_declined", "generic_decline", "Your card was declined."),
]

THREE_D_SECURE = ["4000002500003155", "4000002760003184", "4000000000003220",
                  "4000008260003178"]


@pytest.mark.parametrize("number, brand, funding", SUCCEEDING)
def test_succeeding_cards_are_charged(number, brand, funding, card, pay, stripe_client):
    payment_method = card(number)
    assert (payment_method.card.brand, payment_method.card.funding) == (brand, funding)
    assert payment_method.card.last4 == number[-4:]

    intent = pay(payment_method.id)

    assert intent.status == "succeeded"
    assert intent.amount_received == 2000
    assert intent.payment_method == payment_method.id
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.status, charge.paid, charge.captured) == ("succeeded", True, True)
    assert charge.payment_intent == intent.id
    assert charge.outcome.type == "authorized"
    assert charge.outcome.network_status == "approved_by_network"
    assert charge.payment_method_details.card.last4 == number[-4:]
    assert charge.payment_method_details.card.checks.cvc_check == "pass"


@pytest.mark.parametrize("number, code, decline_code, message", DECLINING)
def test_declining_cards_answer_402_and_leave_the_intent_retryable(
        number, code, decline_code, message, card, pay, stripe_client):
    payment_method = card(number)

    with pytest.raises(stripe.CardError) as declined:
        pay(payment_method.id, metadata={"order_id": "7"})

    error = declined.value
    assert error.http_status == 402
    assert (error.code, error.error.decline_code, error.user_message) == \
        (code, decline_code, message)
    assert error.error.type == "card_error"
    intent = error.error.payment_intent
    assert intent.status == "requires_payment_method"
    assert intent.metadata["order_id"] == "7"
    stored = stripe_client.v1.payment_intents.retrieve(intent.id)
    assert stored.status == "requires_payment_method"
    assert stored.payment_method is None
    assert stored.last_payment_error.decline_code == decline_code
    assert stored.last_payment_error.payment_method.id == payment_method.id
    charge = stripe_client.v1.charges.retrieve(stored.latest_charge)
    assert (charge.status, charge.paid) == ("failed", False)
    assert (charge.failure_code, charge.failure_message) == (code, message)
    assert error.error.charge == charge.id


def test_radar_blocks_the_fraudulent_card_before_the_network(card, pay, stripe_client):
    with pytest.raises(stripe.CardError) as declined:
        pay(card("4100000000000019").id)
    charge = stripe_client.v1.charges.retrieve(declined.value.error.charge)
    assert charge.outcome.type == "blocked"
    assert charge.outcome.network_status == "not_sent_to_network"
    assert charge.outcome.risk_level == "highest"


def test_issuer_declines_reach_the_network(card, pay, stripe_client):
    with pytest.raises(stripe.CardError) as declined:
        pay(card("4000000000009995").id)
    charge = stripe_client.v1.charges.retrieve(declined.value.error.charge)
    assert charge.outcome.type == "issuer_declined"
    assert charge.outcome.network_status == "declined_by_network"
    assert charge.outcome.reason == "insufficient_funds"


@pytest.mark.parametrize("number", THREE_D_SECURE)
def test_three_d_secure_cards_wait_for_the_challenge(number, card, pay, emulator):
    intent = pay(card(number).id)

    assert intent.status == "requires_action"
    assert intent.latest_charge is None
    action = intent.next_action
    assert action.type == "use_stripe_sdk"
    assert action.use_stripe_sdk.type == "three_d_secure_redirect"
    assert action.use_stripe_sdk.source.startswith("src_")
    assert action.use_stripe_sdk.stripe_js == (
        f"{emulator.url}/three-ds/challenge/{intent.id}?client_secret={intent.client_secret}")


def test_three_d_secure_supported_but_not_required_succeeds_at_once(card, pay):
    intent = pay(card("4000000000003055").id)
    assert intent.status == "succeeded"
    assert intent.next_action is None


def test_card_0341_attaches_to_a_customer_then_every_charge_declines(card, pay, stripe_client):
    customer = stripe_client.v1.customers.create({"email": "ada@example.test"})
    payment_method = card("4000000000000341")

    attached = stripe_client.v1.payment_methods.attach(payment_method.id,
                                                       {"customer": customer.id})
    assert attached.customer == customer.id

    with pytest.raises(stripe.CardError) as declined:
        pay(payment_method.id, customer=customer.id)
    assert declined.value.error.decline_code == "generic_decline"


def test_a_declining_card_cannot_be_attached(card, stripe_client):
    customer = stripe_client.v1.customers.create({})
    payment_method = card("4000000000000002")
    with pytest.raises(stripe.CardError) as declined:
        stripe_client.v1.payment_methods.attach(payment_method.id, {"customer": customer.id})
    assert declined.value.error.decline_code == "generic_decline"
    assert stripe_client.v1.payment_methods.retrieve(payment_method.id).customer is None


@pytest.mark.parametrize("details, code, param", [
    ({"number": "4242424242424241"}, "incorrect_number", "number"),
    ({"number": "4242 4242"}, "invalid_number", "number"),
    ({"exp_month": 13}, "invalid_expiry_month", "exp_month"),
    ({"exp_year": 2001}, "invalid_expiry_year", "exp_year"),
    ({"cvc": "12"}, "invalid_cvc", "cvc"),
    ({"number": "378282246310005", "cvc": "123"}, "invalid_cvc", "cvc"),
])
def test_invalid_card_details_are_refused_at_creation(details, code, param, card):
    details = {"number": "4242424242424242", **details}
    with pytest.raises(stripe.CardError) as refused:
        card(**details)
    assert (refused.value.http_status, refused.value.code, refused.value.param) == \
        (402, code, param)


def test_card_details_are_kept_and_shown_like_stripe(card, stripe_client):
    created = card("4242424242424242", exp_month=3, exp_year=2031,
                   billing_details={"name": "Ada", "address": {"postal_code": "10115"}})
    payment_method = stripe_client.v1.payment_methods.retrieve(created.id)
    assert payment_method.id.startswith("pm_")
    assert payment_method.type == "card"
    assert (payment_method.card.exp_month, payment_method.card.exp_year) == (3, 2031)
    assert payment_method.billing_details.name == "Ada"
    assert payment_method.card.checks.address_postal_code_check == "unchecked"
    assert payment_method.livemode is False
    assert "number" not in payment_method.card
