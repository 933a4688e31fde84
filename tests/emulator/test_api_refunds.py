"""Refunds: full, partial, and the over-refund Stripe refuses."""
import pytest
import stripe


@pytest.fixture
def paid(card, pay):
    return pay(card("4242424242424242").id)


def test_full_refund_of_a_payment_intent(paid, stripe_client, event_types):
    refund = stripe_client.v1.refunds.create({"payment_intent": paid.id,
                                              "reason": "requested_by_customer"})

    assert refund.id.startswith("re_")
    assert (refund.amount, refund.status, refund.currency) == (2000, "succeeded", "usd")
    assert (refund.charge, refund.payment_intent) == (paid.latest_charge, paid.id)
    charge = stripe_client.v1.charges.retrieve(paid.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (2000, True)
    assert event_types(charge.id)[-1] == "charge.refunded"
    assert event_types(refund.id) == ["refund.created"]
    assert stripe_client.v1.refunds.retrieve(refund.id).amount == 2000


def test_partial_refunds_then_over_refund(paid, stripe_client):
    stripe_client.v1.refunds.create({"charge": paid.latest_charge, "amount": 500})
    stripe_client.v1.refunds.create({"payment_intent": paid.id, "amount": 700})
    charge = stripe_client.v1.charges.retrieve(paid.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (1200, False)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.refunds.create({"payment_intent": paid.id, "amount": 900})

    assert refused.value.http_status == 400
    assert refused.value.param == "amount"
    assert refused.value.user_message == (
        "Refund amount ($9.00) is greater than unrefunded amount on charge ($8.00)")
    # The rest can still be refunded, once; then the charge is done.
    assert stripe_client.v1.refunds.create({"payment_intent": paid.id}).amount == 800
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.refunds.create({"payment_intent": paid.id})
    assert again.value.code == "charge_already_refunded"


def test_refunding_more_than_the_charge(paid, stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.refunds.create({"payment_intent": paid.id, "amount": 2001})
    assert "greater than charge amount ($20.00)" in refused.value.user_message


def test_an_intent_without_a_successful_charge_cannot_be_refunded(card, pay, stripe_client):
    with pytest.raises(stripe.CardError) as declined:
        pay(card("4000000000000002").id)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.refunds.create(
            {"payment_intent": declined.value.error.payment_intent.id})
    assert "does not have a successful charge" in refused.value.user_message


def test_a_refund_needs_a_payment_intent_or_a_charge(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.refunds.create({"amount": 100})
    assert "payment_intent or charge" in refused.value.user_message


def test_refunds_are_listed_newest_first_and_filtered(card, pay, paid, stripe_client):
    other = pay(card("5555555555554444").id)
    first = stripe_client.v1.refunds.create({"payment_intent": paid.id, "amount": 100})
    second = stripe_client.v1.refunds.create({"payment_intent": paid.id, "amount": 200})
    stripe_client.v1.refunds.create({"payment_intent": other.id})

    by_intent = stripe_client.v1.refunds.list({"payment_intent": paid.id})
    assert [refund.id for refund in by_intent.data] == [second.id, first.id]
    by_charge = stripe_client.v1.refunds.list({"charge": other.latest_charge})
    assert [refund.payment_intent for refund in by_charge.data] == [other.id]
    page = stripe_client.v1.refunds.list({"limit": 2})
    assert page.has_more is True
    rest = stripe_client.v1.refunds.list({"limit": 2, "starting_after": page.data[-1].id})
    assert [refund.id for refund in rest.data] == [first.id]
    assert rest.has_more is False
    newer = stripe_client.v1.refunds.list({"limit": 1, "ending_before": first.id})
    assert [refund.id for refund in newer.data] == [second.id]
    assert newer.has_more is True


# Stripe's testing docs: "Asynchronous failure" and "Asynchronous success" refund cards.
FAILS_LATER = "4000000000005126"
PENDING_FIRST = "4000000000007726"
SETTLES_AFTER = 30 * 60


def test_a_refund_on_the_failing_card_succeeds_then_fails_later(card, pay, stripe_client,
                                                                emulator, event_types):
    intent = pay(card(FAILS_LATER).id)
    refund = stripe_client.v1.refunds.create({"payment_intent": intent.id, "amount": 1500})
    assert refund.status == "succeeded"
    assert stripe_client.v1.charges.retrieve(intent.latest_charge).amount_refunded == 1500

    emulator.control("POST", "/clock/advance", seconds=SETTLES_AFTER - 5)
    assert stripe_client.v1.refunds.retrieve(refund.id).status == "succeeded"
    emulator.control("POST", "/clock/advance", seconds=10)
    failed = stripe_client.v1.refunds.retrieve(refund.id)
    assert (failed.status, failed.failure_reason) == ("failed", "expired_or_canceled_card")
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (0, False)
    assert event_types(refund.id) == ["refund.created", "refund.updated",
                                      "charge.refund.updated", "refund.failed"]
    # The money is back on the charge: it can be refunded again.
    again = stripe_client.v1.refunds.create({"payment_intent": intent.id})
    assert again.amount == 2000


def test_a_refund_on_the_pending_card_succeeds_later(card, pay, stripe_client, emulator,
                                                     event_types):
    intent = pay(card(PENDING_FIRST).id)
    refund = stripe_client.v1.refunds.create({"payment_intent": intent.id})
    assert refund.status == "pending"
    emulator.control("POST", "/clock/advance", seconds=SETTLES_AFTER)
    assert stripe_client.v1.refunds.retrieve(refund.id).status == "succeeded"
    assert event_types(refund.id) == ["refund.created", "refund.updated",
                                      "charge.refund.updated"]
    assert stripe_client.v1.charges.retrieve(intent.latest_charge).refunded is True


def test_a_pending_refund_can_be_canceled_and_a_made_one_cannot(card, pay, stripe_client,
                                                                emulator, paid):
    intent = pay(card(PENDING_FIRST).id)
    refund = stripe_client.v1.refunds.create({"payment_intent": intent.id})
    canceled = stripe_client.v1.refunds.cancel(refund.id)
    assert canceled.status == "canceled"
    assert stripe_client.v1.charges.retrieve(intent.latest_charge).amount_refunded == 0
    emulator.control("POST", "/clock/advance", seconds=SETTLES_AFTER)
    assert stripe_client.v1.refunds.retrieve(refund.id).status == "canceled"

    made = stripe_client.v1.refunds.create({"payment_intent": paid.id})
    with pytest.raises(stripe.InvalidRequestError, match="status of succeeded"):
        stripe_client.v1.refunds.cancel(made.id)
