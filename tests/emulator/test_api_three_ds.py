"""3-D Secure: the challenge's two outcomes, for manual and automatic confirmation."""
import pytest
import stripe

CHALLENGED = "4000002760003184"
DECLINED_AFTER = "4000008260003178"


@pytest.fixture
def automatic(stripe_client):
    """An automatic-confirmation intent confirmed on the server, as a one-step checkout does."""
    def create(payment_method, **params):
        return stripe_client.v1.payment_intents.create({
            "amount": 3000, "currency": "eur", "payment_method": payment_method,
            "allowed_payment_method_types": ["card"], "confirm": True, **params})
    return create


def test_manual_confirmation_complete_then_server_confirms(card, pay, challenge,
                                                           stripe_client, event_types):
    intent = pay(card(CHALLENGED).id)

    answered = challenge(intent, "complete")

    assert answered.status == "requires_confirmation"
    assert answered.next_action is None
    confirmed = stripe_client.v1.payment_intents.confirm(intent.id)
    assert confirmed.status == "succeeded"
    charge = stripe_client.v1.charges.retrieve(confirmed.latest_charge)
    assert charge.payment_method_details.card.three_d_secure.result == "authenticated"
    assert event_types(intent.id) == ["payment_intent.created", "payment_intent.requires_action",
                                      "payment_intent.succeeded"]


def test_manual_confirmation_fail_returns_to_requires_payment_method(card, pay, challenge,
                                                                     stripe_client, event_types):
    payment_method = card(CHALLENGED)
    intent = pay(payment_method.id)

    answered = challenge(intent, "fail")

    assert answered.status == "requires_payment_method"
    assert answered.payment_method is None
    error = answered.last_payment_error
    assert error.code == "payment_intent_authentication_failure"
    assert error.type == "invalid_request_error"
    assert error.message.startswith("The provided PaymentMethod has failed authentication.")
    assert error.payment_method.id == payment_method.id
    assert stripe_client.v1.payment_intents.retrieve(intent.id).latest_charge is None
    assert event_types(intent.id)[-1] == "payment_intent.payment_failed"
    # The order may go on with another card.
    retried = stripe_client.v1.payment_intents.confirm(
        intent.id, {"payment_method": card("4242424242424242").id})
    assert retried.status == "succeeded"


def test_automatic_confirmation_complete_goes_straight_on_to_succeeded(card, automatic,
                                                                       challenge, stripe_client):
    intent = automatic(card(CHALLENGED).id)
    assert intent.status == "requires_action"

    answered = challenge(intent, "complete")

    assert answered.status == "succeeded"
    stored = stripe_client.v1.payment_intents.retrieve(intent.id)
    assert stored.amount_received == 3000
    assert stored.latest_charge.startswith("ch_")


def test_automatic_confirmation_fail(card, automatic, challenge):
    intent = automatic(card(CHALLENGED).id)

    answered = challenge(intent, "fail")

    assert answered.status == "requires_payment_method"
    assert answered.last_payment_error.code == "payment_intent_authentication_failure"


def test_declined_after_authentication_with_manual_confirmation(card, pay, challenge,
                                                                stripe_client):
    intent = pay(card(DECLINED_AFTER).id)
    assert challenge(intent, "complete").status == "requires_confirmation"

    with pytest.raises(stripe.CardError) as declined:
        stripe_client.v1.payment_intents.confirm(intent.id)

    assert declined.value.error.decline_code == "insufficient_funds"
    assert declined.value.error.payment_intent.status == "requires_payment_method"


def test_declined_after_authentication_with_automatic_confirmation(card, automatic, challenge,
                                                                   stripe_client):
    intent = automatic(card(DECLINED_AFTER).id)

    answered = challenge(intent, "complete")

    assert answered.status == "requires_payment_method"
    assert answered.last_payment_error.decline_code == "insufficient_funds"
    stored = stripe_client.v1.payment_intents.retrieve(intent.id)
    charge = stripe_client.v1.charges.retrieve(stored.latest_charge)
    assert charge.status == "failed"
    assert charge.payment_method_details.card.three_d_secure.result == "authenticated"


def test_confirming_again_without_the_challenge_asks_again(card, pay, stripe_client):
    intent = pay(card(CHALLENGED).id)
    again = stripe_client.v1.payment_intents.confirm(intent.id)
    assert again.status == "requires_action"
    assert again.latest_charge is None


def test_the_challenge_needs_the_intent_client_secret(card, pay, challenge):
    intent = pay(card(CHALLENGED).id)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        challenge(intent, "complete", client_secret=f"{intent.id}_secret_wrong")
    assert refused.value.param == "client_secret"


def test_only_an_intent_awaiting_the_challenge_can_answer_it(card, pay, challenge):
    intent = pay(card("4242424242424242").id)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        challenge(intent, "complete")
    assert refused.value.code == "payment_intent_unexpected_state"


def test_off_session_payment_needing_authentication_declines(card, automatic):
    with pytest.raises(stripe.CardError) as declined:
        automatic(card("4000002500003155").id, off_session=True)
    assert declined.value.code == "authentication_required"


def test_browser_confirms_an_automatic_intent_with_its_client_secret(card, stripe_client,
                                                                     browser_client, challenge):
    intent = stripe_client.v1.payment_intents.create({
        "amount": 1500, "currency": "usd", "allowed_payment_method_types": ["card"],
        "metadata": {"order_id": "9"}})

    confirmed = browser_client.v1.payment_intents.confirm(intent.id, {
        "client_secret": intent.client_secret, "payment_method": card(CHALLENGED).id})

    assert confirmed.status == "requires_action"
    assert "metadata" not in confirmed  # browsers see a reduced intent
    assert challenge(confirmed, "complete").status == "succeeded"
