"""Balance transactions: every charge and refund moves the balance, with Stripe's US fees
(card 2.9 % + 30¢, ACH Direct Debit 0.8 % capped at $5); refunds give no fee back."""
import pytest
import stripe

from stripe_emulator.machinery.clock import instant
from stripe_emulator.payments.fees import midnight_after, processing_fee
from tests.emulator.bank import SETTLEMENT_DAYS, verified
from tests.emulator.clock import INSTANTS, utc
from tests.clock import advance


def settle(emulator, days=SETTLEMENT_DAYS):
    advance(emulator, days=days)


def test_a_card_charge_pays_two_point_nine_percent_and_thirty_cents(pay, card, stripe_client,
                                                                  emulator):
    intent = pay(card("4242424242424242").id, amount=10_000)
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge,
                                               {"expand": ["balance_transaction"]})
    transaction = charge.balance_transaction

    assert (transaction.type, transaction.reporting_category) == ("charge", "charge")
    assert (transaction.amount, transaction.fee, transaction.net) == (10_000, 320, 9_680)
    assert [(fee.type, fee.amount) for fee in transaction.fee_details] == [("stripe_fee", 320)]
    assert transaction.source == charge.id and transaction.currency == "usd"
    assert transaction.status == "pending"
    assert transaction.available_on > transaction.created
    settle(emulator, days=5)
    assert stripe_client.v1.balance_transactions.retrieve(transaction.id).status == "available"


def test_fees_are_rounded_to_the_cent_and_ach_is_capped():
    assert processing_fee("card", 2000, "usd")[0] == 88          # 58 + 30
    assert processing_fee("card", 1050, "usd")[0] == 60          # 30.45 → 30, + 30
    assert processing_fee("us_bank_account", 10_000, "usd")[0] == 80
    assert processing_fee("us_bank_account", 62_500, "usd")[0] == 500
    assert processing_fee("us_bank_account", 100_000, "usd")[0] == 500   # $5, not $8
    assert processing_fee("card", 100_000, "usd")[0] == 2930     # $29.30 on $1,000


def test_zero_decimal_currencies_charge_in_whole_units(pay, card, stripe_client):
    intent = pay(card("4242424242424242").id, amount=5000, currency="jpy")
    transaction = stripe_client.v1.balance_transactions.list(
        {"source": intent.latest_charge}).data[0]
    assert (transaction.currency, transaction.amount, transaction.fee) == ("jpy", 5000, 175)


def test_a_manual_capture_is_charged_on_what_was_captured(card, pay, stripe_client):
    intent = pay(card("4242424242424242").id, capture_method="manual")
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert charge.balance_transaction is None
    stripe_client.v1.payment_intents.capture(intent.id, {"amount_to_capture": 1000})
    transaction = stripe_client.v1.balance_transactions.retrieve(
        stripe_client.v1.charges.retrieve(charge.id).balance_transaction)
    assert (transaction.amount, transaction.fee) == (1000, 59)


def test_declined_charges_move_no_money(card, pay, stripe_client):
    with pytest.raises(stripe.CardError):
        pay(card("4000000000000002").id)
    assert stripe_client.v1.balance_transactions.list().data == []


def test_a_card_refund_takes_the_amount_back_and_keeps_the_fee(card, pay, stripe_client):
    intent = pay(card("4242424242424242").id)
    refund = stripe_client.v1.refunds.create({"payment_intent": intent.id, "amount": 500,
                                              "expand": ["balance_transaction"]})
    transaction = refund.balance_transaction
    assert (transaction.type, transaction.amount, transaction.fee, transaction.net) == (
        "refund", -500, 0, -500)
    assert transaction.source == refund.id
    refunds = stripe_client.v1.balance_transactions.list({"type": "refund"}).data
    assert [item.id for item in refunds] == [transaction.id]


# A bank debit's funds are available four business days after it starts, at the same hour.
@pytest.mark.parametrize("clock_start, available", [
    (INSTANTS["monday"], "2026-11-20"),                    # Friday
    (INSTANTS["friday-before-midnight"], "2026-11-26"),    # Thursday
    (INSTANTS["saturday"], "2026-11-26"),                  # Thursday
    (INSTANTS["years-end"], "2027-01-06"),                 # Wednesday, over the new year
], ids=["monday", "friday-before-midnight", "saturday", "years-end"])
def test_a_bank_debit_pays_point_eight_percent_up_to_five_dollars(stripe_client, emulator,
                                                                   available):
    small = verified(stripe_client, amount=10_000)
    large = verified(stripe_client, amount=250_000)
    charge = stripe_client.v1.charges.retrieve(small.latest_charge)
    transaction = stripe_client.v1.balance_transactions.retrieve(charge.balance_transaction)
    assert (transaction.type, transaction.amount, transaction.fee, transaction.net) == (
        "payment", 10_000, 80, 9_920)
    assert transaction.status == "pending"
    assert utc(transaction.available_on)[:10] == available
    assert transaction.available_on % 86_400 == charge.created % 86_400  # the same time of day
    big = stripe_client.v1.balance_transactions.list({"source": large.latest_charge}).data[0]
    assert (big.fee, big.net) == (500, 249_500)
    settle(emulator)
    assert stripe_client.v1.balance_transactions.retrieve(transaction.id).status == "available"


def test_a_failed_debit_is_reversed_and_costs_the_failure_fee(stripe_client, emulator):
    intent = verified(stripe_client, "000222222227", amount=10_000)
    settle(emulator)
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge,
                                               {"expand": ["failure_balance_transaction"]})
    reversal = charge.failure_balance_transaction
    assert (reversal.type, reversal.amount) == ("payment_failure_refund", -10_000)
    movements = stripe_client.v1.balance_transactions.list({"source": charge.id}).data
    assert sum(item.net for item in movements) == -400


def test_a_bank_refund_is_pending_then_lands_three_business_days_later(
        stripe_client, emulator, event_types):
    intent = verified(stripe_client)
    settle(emulator)
    refund = stripe_client.v1.refunds.create({"payment_intent": intent.id})
    assert refund.status == "pending"
    transaction = stripe_client.v1.balance_transactions.retrieve(refund.balance_transaction)
    assert (transaction.type, transaction.amount, transaction.fee) == ("payment_refund", -10_000, 0)
    settle(emulator, days=5)
    assert stripe_client.v1.refunds.retrieve(refund.id).status == "succeeded"
    assert event_types(refund.id) == ["refund.created", "refund.updated", "charge.refund.updated"]


def test_a_dispute_takes_the_amount_and_the_dispute_fee(stripe_client, emulator):
    intent = verified(stripe_client, "000555555559", amount=10_000)
    settle(emulator)
    adjustment = stripe_client.v1.balance_transactions.list({"type": "adjustment"}).data[0]
    assert (adjustment.amount, adjustment.fee, adjustment.reporting_category) == (
        -10_000, 1500, "dispute")
    dispute = stripe_client.v1.disputes.retrieve(adjustment.source)
    assert dispute.payment_intent == intent.id


def test_list_filters_and_expands_the_source(card, pay, stripe_client):
    first = pay(card("4242424242424242").id)
    pay(card("5555555555554444").id)
    listed = stripe_client.v1.balance_transactions.list({"limit": 1, "expand": ["data.source"]})
    assert listed.has_more is True
    assert listed.data[0].source.object == "charge"
    only = stripe_client.v1.balance_transactions.list({"source": first.latest_charge}).data
    assert [item.source for item in only] == [first.latest_charge]


@pytest.mark.parametrize("paid, available", [
    ("2025-11-28T12:00:00Z", "2025-12-02T00:00:00+00:00"),     # Friday noon → Tuesday
    ("2025-11-28T23:59:59Z", "2025-12-02T00:00:00+00:00"),     # Friday's last second → Tuesday
    ("2025-11-29T00:00:00Z", "2025-12-02T00:00:00+00:00"),     # Saturday → Tuesday
    ("2025-12-01T00:00:00Z", "2025-12-03T00:00:00+00:00"),     # Monday → Wednesday
    ("2025-12-31T18:00:00Z", "2026-01-02T00:00:00+00:00"),     # Wednesday → Friday, a new year
])
def test_available_on_is_a_midnight_two_business_days_later(paid, available):
    assert utc(midnight_after(instant(paid), 2)) == available
