"""Separate charges and transfers: one payment, a transfer per seller, reversals for refunds,
and the balances on both sides as the clock moves."""
import pytest
import stripe

from tests.emulator.bank import SETTLEMENT_DAYS, verified
from tests.emulator.clock import INSTANTS, utc
from tests.emulator.test_api_connect_accounts import EXPRESS


@pytest.fixture
def seller(emulator, stripe_client):
    """seller() → an Express account that finished onboarding."""
    def create(**params):
        account = stripe_client.v1.accounts.create({**EXPRESS, **params})
        emulator.control("POST", f"/accounts/{account.id}/enable")
        return account.id
    return create


@pytest.fixture
def paid_charge(card, pay):
    """A $100.00 card payment in transfer_group ORDER-1; its charge."""
    intent = pay(card("4242424242424242").id, amount=10000, transfer_group="ORDER-1")
    return intent.latest_charge


def balance_of(client, account=None):
    """{currency: (available, pending)}"""
    options = {"stripe_account": account} if account else {}
    found = client.v1.balance.retrieve(options=options)
    pending = {entry.currency: entry.amount for entry in found.pending}
    return {entry.currency: (entry.amount, pending[entry.currency]) for entry in found.available}


def test_transfers_from_one_charge_to_two_sellers(
        stripe_client, seller, paid_charge, event_types):
    potter, printer = seller(), seller()

    first = stripe_client.v1.transfers.create({
        "amount": 6000, "currency": "usd", "destination": potter,
        "source_transaction": paid_charge, "transfer_group": "ORDER-1",
        "metadata": {"order_id": "1"}}, options={"idempotency_key": "order-1-potter"})
    second = stripe_client.v1.transfers.create({
        "amount": 2500, "currency": "usd", "destination": printer,
        "source_transaction": paid_charge})

    assert first.id.startswith("tr_")
    assert (first.amount, first.currency, first.destination) == (6000, "usd", potter)
    assert (first.source_transaction, first.transfer_group) == (paid_charge, "ORDER-1")
    assert (first.amount_reversed, first.reversed) == (0, False)
    assert first.destination_payment.startswith("py_")
    assert first.metadata.to_dict() == {"order_id": "1"}
    # The charge's transfer_group is the transfer's when none is given.
    assert second.transfer_group == "ORDER-1"
    assert event_types(first.id) == ["transfer.created"]
    # The same idempotency key answers with the same transfer, not a second one.
    again = stripe_client.v1.transfers.create({
        "amount": 6000, "currency": "usd", "destination": potter,
        "source_transaction": paid_charge, "transfer_group": "ORDER-1",
        "metadata": {"order_id": "1"}}, options={"idempotency_key": "order-1-potter"})
    assert again.id == first.id
    grouped = stripe_client.v1.transfers.list({"transfer_group": "ORDER-1"})
    assert [transfer.id for transfer in grouped.data] == [second.id, first.id]
    to_potter = stripe_client.v1.transfers.list({"destination": potter})
    assert [transfer.id for transfer in to_potter.data] == [first.id]
    assert stripe_client.v1.transfers.retrieve(first.id).amount == 6000


def test_a_charge_cannot_fund_more_than_itself(stripe_client, seller, paid_charge):
    potter = seller()
    stripe_client.v1.transfers.create({"amount": 7000, "currency": "usd",
                                       "destination": potter,
                                       "source_transaction": paid_charge})

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.transfers.create({"amount": 3001, "currency": "usd",
                                           "destination": potter,
                                           "source_transaction": paid_charge})
    assert refused.value.param == "amount"
    assert "$30.00" in refused.value.user_message
    with pytest.raises(stripe.InvalidRequestError) as currency:
        stripe_client.v1.transfers.create({"amount": 100, "currency": "eur",
                                           "destination": potter,
                                           "source_transaction": paid_charge})
    assert currency.value.param == "currency"
    assert stripe_client.v1.transfers.create({"amount": 3000, "currency": "usd",
                                              "destination": potter,
                                              "source_transaction": paid_charge}).amount == 3000


def test_a_charge_without_a_transfer_group_gets_one(card, pay, stripe_client, seller):
    intent = pay(card("4242424242424242").id)
    transfer = stripe_client.v1.transfers.create({
        "amount": 500, "currency": "usd", "destination": seller(),
        "source_transaction": intent.latest_charge})
    assert transfer.transfer_group == f"group_{intent.id}"
    assert stripe_client.v1.charges.retrieve(intent.latest_charge).transfer_group == (
        f"group_{intent.id}")


def test_without_a_source_transaction_the_platform_needs_available_funds(
        emulator, stripe_client, seller, paid_charge):
    potter = seller()
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.transfers.create({"amount": 1000, "currency": "usd",
                                           "destination": potter})
    assert refused.value.code == "balance_insufficient"
    assert refused.value.user_message.startswith(
        "You have insufficient available funds in your Stripe account.")

    emulator.control("POST", "/balance/add", amount=1500, currency="usd")
    transfer = stripe_client.v1.transfers.create({"amount": 1000, "currency": "usd",
                                                  "destination": potter})
    assert transfer.source_transaction is None
    assert balance_of(stripe_client)["usd"][0] == 500
    assert balance_of(stripe_client, potter)["usd"] == (1000, 0)  # available at once
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.transfers.create({"amount": 501, "currency": "usd",
                                           "destination": potter})


def test_a_destination_must_be_able_to_receive_transfers(
        emulator, stripe_client, paid_charge):
    waiting = stripe_client.v1.accounts.create(EXPRESS)  # not onboarded yet
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.transfers.create({"amount": 1000, "currency": "usd",
                                           "destination": waiting.id,
                                           "source_transaction": paid_charge})
    assert refused.value.code == "insufficient_capabilities_for_transfer"
    assert refused.value.user_message == (
        "Your destination account needs to have at least one of the following capabilities "
        "enabled: transfers, crypto_transfers, legacy_payments")
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        stripe_client.v1.transfers.create({"amount": 1000, "currency": "usd",
                                           "destination": "acct_nobody",
                                           "source_transaction": paid_charge})
    assert unknown.value.param == "destination"

    # Once the account is enabled, the transfer that waited goes through.
    emulator.control("POST", f"/accounts/{waiting.id}/enable")
    with pytest.raises(stripe.InvalidRequestError) as no_charge:
        stripe_client.v1.transfers.create({"amount": 1000, "currency": "usd",
                                           "destination": waiting.id,
                                           "source_transaction": "ch_nothing"})
    assert no_charge.value.param == "source_transaction"
    assert stripe_client.v1.transfers.create({
        "amount": 1000, "currency": "usd", "destination": waiting.id,
        "source_transaction": paid_charge}).destination == waiting.id


# Card funds are available at midnight UTC of the second business day after the charge.
@pytest.mark.parametrize("clock_start, available", [
    (INSTANTS["monday"], "2026-11-18T00:00:00+00:00"),
    (INSTANTS["friday-before-midnight"], "2026-11-24T00:00:00+00:00"),
    (INSTANTS["saturday"], "2026-11-24T00:00:00+00:00"),
    (INSTANTS["years-end"], "2027-01-04T00:00:00+00:00"),
], ids=["monday", "friday-before-midnight", "saturday", "years-end"])
def test_funds_from_a_source_transaction_arrive_when_the_charge_settles(
        emulator, stripe_client, seller, paid_charge, available):
    potter = seller()
    transfer = stripe_client.v1.transfers.create({
        "amount": 6000, "currency": "usd", "destination": potter,
        "source_transaction": paid_charge})

    assert balance_of(stripe_client, potter)["usd"] == (0, 6000)
    expanded = stripe_client.v1.transfers.retrieve(transfer.id,
                                                   {"expand": ["balance_transaction"]})
    sent = expanded.balance_transaction
    assert (sent.type, sent.amount, sent.status, sent.source) == (
        "transfer", -6000, "pending", transfer.id)
    charge = stripe_client.v1.charges.retrieve(paid_charge, {"expand": ["balance_transaction"]})
    assert sent.available_on == charge.balance_transaction.available_on
    assert utc(sent.available_on) == available

    emulator.control("POST", "/clock/advance", to=sent.available_on - 1)
    assert balance_of(stripe_client, potter)["usd"] == (0, 6000)
    emulator.control("POST", "/clock/advance", seconds=1)

    assert balance_of(stripe_client, potter)["usd"] == (6000, 0)
    received = stripe_client.v1.balance_transactions.list(options={"stripe_account": potter})
    assert [(t.type, t.amount, t.status, t.source) for t in received.data] == [
        ("payment", 6000, "available", transfer.destination_payment)]
    # The platform's balance: the charge less Stripe's fee, less the transfer.
    fee = charge.balance_transaction.fee
    assert balance_of(stripe_client)["usd"] == (10000 - fee - 6000, 0)


def test_reversals_give_a_sellers_share_back(
        emulator, stripe_client, seller, paid_charge, event_types):
    potter = seller()
    transfer = stripe_client.v1.transfers.create({
        "amount": 6000, "currency": "usd", "destination": potter,
        "source_transaction": paid_charge})

    partial = stripe_client.v1.transfers.reversals.create(
        transfer.id, {"amount": 1500, "metadata": {"refund": "re_1"}})

    assert partial.id.startswith("trr_")
    assert (partial.amount, partial.currency, partial.transfer) == (1500, "usd", transfer.id)
    assert partial.destination_payment_refund.startswith("pyr_")
    after = stripe_client.v1.transfers.retrieve(transfer.id)
    assert (after.amount_reversed, after.reversed) == (1500, False)
    assert [reversal.id for reversal in after.reversals.data] == [partial.id]
    assert balance_of(stripe_client, potter)["usd"] == (0, 4500)
    assert event_types(transfer.id) == ["transfer.created", "transfer.reversed"]

    with pytest.raises(stripe.InvalidRequestError) as too_much:
        stripe_client.v1.transfers.reversals.create(transfer.id, {"amount": 4501})
    assert too_much.value.param == "amount"
    rest = stripe_client.v1.transfers.reversals.create(transfer.id)
    assert rest.amount == 4500
    done = stripe_client.v1.transfers.retrieve(transfer.id)
    assert (done.amount_reversed, done.reversed) == (6000, True)
    assert balance_of(stripe_client, potter)["usd"] == (0, 0)
    listed = stripe_client.v1.transfers.reversals.list(transfer.id)
    assert [reversal.id for reversal in listed.data] == [rest.id, partial.id]
    assert stripe_client.v1.transfers.reversals.retrieve(transfer.id, partial.id).amount == 1500
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.transfers.reversals.create(transfer.id, {"amount": 1})

    platform = stripe_client.v1.balance_transactions.list()
    assert [(t.type, t.amount, t.reporting_category) for t in platform.data] == [
        ("transfer_refund", 4500, "transfer_reversal"),
        ("transfer_refund", 1500, "transfer_reversal"),
        ("transfer", -6000, "transfer"), ("charge", 10000, "charge")]
    connected = stripe_client.v1.balance_transactions.list(options={"stripe_account": potter})
    assert [(t.type, t.amount) for t in connected.data] == [
        ("payment_refund", -4500), ("payment_refund", -1500), ("payment", 6000)]
    assert connected.data[0].source == rest.destination_payment_refund
    # Each side sees only its own.
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.balance_transactions.retrieve(connected.data[0].id)
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.balance_transactions.retrieve(
            platform.data[0].id, options={"stripe_account": potter})


def test_a_reversal_needs_the_money_to_still_be_there(emulator, stripe_client, seller):
    potter = seller()
    emulator.control("POST", "/balance/add", amount=2000, currency="usd")
    transfer = stripe_client.v1.transfers.create({"amount": 2000, "currency": "usd",
                                                  "destination": potter})
    # The seller is paid out to their bank: nothing is left to take back.
    emulator.control("POST", "/balance/payout", amount=1950, currency="usd", account=potter)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.transfers.reversals.create(transfer.id, {"amount": 100})
    assert refused.value.code == "balance_insufficient"
    assert stripe_client.v1.transfers.reversals.create(transfer.id, {"amount": 50}).amount == 50
    assert balance_of(stripe_client, potter)["usd"] == (0, 0)


def test_transfer_metadata_updates_send_transfer_updated(stripe_client, seller, paid_charge,
                                                         event_types):
    transfer = stripe_client.v1.transfers.create({
        "amount": 100, "currency": "usd", "destination": seller(),
        "source_transaction": paid_charge})
    updated = stripe_client.v1.transfers.update(transfer.id, {"metadata": {"maker": "potter"},
                                                              "description": "Bowl"})
    assert (updated.description, updated.metadata.to_dict()) == ("Bowl", {"maker": "potter"})
    assert event_types(transfer.id) == ["transfer.created", "transfer.updated"]


def test_balances_for_the_platform_and_a_connected_account(emulator, stripe_client, seller):
    potter = seller()
    emulator.control("POST", "/balance/add", amount=5000, currency="usd")
    emulator.control("POST", "/balance/add", amount=300, currency="eur", account=potter)

    platform = stripe_client.v1.balance.retrieve()
    assert platform.object == "balance"
    assert [(entry.currency, entry.amount) for entry in platform.available] == [("usd", 5000)]
    assert platform.connect_reserved[0].amount == 0
    connected = stripe_client.v1.balance.retrieve(options={"stripe_account": potter})
    assert [(entry.currency, entry.amount) for entry in connected.available] == [("eur", 300)]
    assert [(entry.currency, entry.amount) for entry in connected.pending] == [("eur", 0)]


def test_a_declined_charge_cannot_fund_a_transfer(card, pay, stripe_client, seller):
    with pytest.raises(stripe.CardError) as declined:
        pay(card("4000000000000002").id)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.transfers.create({
            "amount": 100, "currency": "usd", "destination": seller(),
            "source_transaction": declined.value.error.payment_intent.latest_charge})
    assert refused.value.param == "source_transaction"


def test_a_bank_debit_still_processing_may_fund_a_transfer(emulator, stripe_client, seller):
    processing = verified(stripe_client, transfer_group="ORDER-ACH")
    potter = seller()

    transfer = stripe_client.v1.transfers.create({
        "amount": 4000, "currency": "usd", "destination": potter,
        "source_transaction": processing.latest_charge})

    assert transfer.transfer_group == "ORDER-ACH"
    assert balance_of(stripe_client, potter)["usd"] == (0, 4000)
    emulator.control("POST", "/clock/advance", days=SETTLEMENT_DAYS)
    assert balance_of(stripe_client, potter)["usd"] == (4000, 0)
