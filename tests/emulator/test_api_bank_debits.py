"""ACH Direct Debit through the official library: mandates, microdeposits, settlement days
later on the emulator's clock, and the test accounts that fail or are disputed."""
import json

import pytest
import stripe

from tests.emulator.bank import (BILLING, MANDATE_DATA, ROUTING, SETTLEMENT_DAYS, bank_intent,
                                 verified)
from tests.emulator.clock import INSTANTS, utc
from tests.clock import advance


def settle(emulator, days=SETTLEMENT_DAYS):
    advance(emulator, days=days)


def test_manual_entry_asks_for_microdeposits_then_processes_then_succeeds(
        stripe_client, emulator, event_types):
    intent = bank_intent(stripe_client)

    assert intent.status == "requires_action"
    action = intent.next_action
    assert action.type == "verify_with_microdeposits"
    details = action.verify_with_microdeposits
    assert details.hosted_verification_url.startswith(emulator.url + "/microdeposits/")
    assert details.microdeposit_type == "descriptor_code"
    assert details.arrival_date > intent.created
    payment_method = stripe_client.v1.payment_methods.retrieve(intent.payment_method)
    assert payment_method.type == "us_bank_account"
    assert (payment_method.us_bank_account.last4, payment_method.us_bank_account.routing_number,
            payment_method.us_bank_account.bank_name) == ("6789", ROUTING, "STRIPE TEST BANK")
    assert payment_method.billing_details.name == "Jenny Rosen"

    processing = stripe_client.v1.payment_intents.verify_microdeposits(
        intent.id, {"amounts": [32, 45]})

    assert processing.status == "processing" and processing.next_action is None
    charge = stripe_client.v1.charges.retrieve(processing.latest_charge)
    assert (charge.status, charge.paid, charge.amount) == ("pending", False, 10_000)
    bank = charge.payment_method_details.us_bank_account
    mandate = stripe_client.v1.mandates.retrieve(bank.mandate)
    assert (mandate.status, mandate.type, mandate.payment_method) == (
        "active", "multi_use", intent.payment_method)
    assert mandate.customer_acceptance.online.ip_address == "203.0.113.7"

    settle(emulator)

    paid = stripe_client.v1.payment_intents.retrieve(intent.id)
    assert (paid.status, paid.amount_received) == ("succeeded", 10_000)
    assert stripe_client.v1.charges.retrieve(charge.id).status == "succeeded"
    assert event_types(intent.id) == ["payment_intent.created", "payment_intent.requires_action",
                                      "payment_intent.processing", "payment_intent.succeeded"]
    assert event_types(charge.id) == ["charge.pending", "charge.succeeded"]
    assert event_types(mandate.id) == ["mandate.updated"]


@pytest.mark.parametrize("clock_start, settles", [
    (INSTANTS["monday"], "2026-11-20"),                    # Friday
    (INSTANTS["friday-before-midnight"], "2026-11-26"),    # Thursday
    (INSTANTS["saturday"], "2026-11-26"),                  # Thursday
    (INSTANTS["years-end"], "2027-01-06"),                 # Wednesday, over the new year
], ids=["monday", "friday-before-midnight", "saturday", "years-end"])
def test_nothing_settles_before_four_business_days(stripe_client, emulator, settles):
    intent = verified(stripe_client)
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge,
                                               {"expand": ["balance_transaction"]})
    due = charge.balance_transaction.available_on
    assert utc(due)[:10] == settles

    emulator.control("POST", "/clock/advance", to=due - 1)             # one second before
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "processing"
    emulator.control("POST", "/clock/advance", seconds=1)              # the fourth business day
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "succeeded"


def test_the_descriptor_code_verifies_from_the_browser(stripe_client, browser_client):
    intent = bank_intent(stripe_client)
    answer = browser_client.v1.payment_intents.verify_microdeposits(
        intent.id, {"descriptor_code": "SM11AA", "client_secret": intent.client_secret})
    assert answer.status == "processing"


def test_a_browser_needs_the_client_secret(stripe_client, browser_client):
    intent = bank_intent(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        browser_client.v1.payment_intents.verify_microdeposits(
            intent.id, {"descriptor_code": "SM11AA"})
    assert refused.value.param == "client_secret"


@pytest.mark.parametrize("answer, code, message", [
    ({"amounts": [12, 34]}, "payment_method_microdeposit_verification_amounts_mismatch",
     "The amounts provided do not match the amounts that were sent to the bank account."),
    ({"descriptor_code": "SM99ZZ"},
     "payment_method_microdeposit_verification_descriptor_code_mismatch",
     "The verification code provided does not match the one sent to the bank account."),
    ({"amounts": [32]}, "payment_method_microdeposit_verification_amounts_invalid",
     "You must provide exactly two microdeposit amounts."),
])
def test_wrong_values_are_refused_and_the_right_ones_still_work(
        stripe_client, answer, code, message):
    intent = bank_intent(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.verify_microdeposits(intent.id, answer)
    assert (refused.value.http_status, refused.value.code, refused.value.user_message) == (
        400, code, message)
    assert refused.value.error.payment_intent.status == "requires_action"
    assert stripe_client.v1.payment_intents.verify_microdeposits(
        intent.id, {"amounts": [32, 45]}).status == "processing"


def test_three_wrong_amounts_end_the_verification(stripe_client, event_types):
    intent = bank_intent(stripe_client)
    for attempt in range(2):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            stripe_client.v1.payment_intents.verify_microdeposits(intent.id, {"amounts": [1, 2]})
        assert refused.value.code.endswith("amounts_mismatch")
    with pytest.raises(stripe.InvalidRequestError) as ended:
        stripe_client.v1.payment_intents.verify_microdeposits(intent.id, {"amounts": [1, 2]})

    code = "payment_method_microdeposit_verification_attempts_exceeded"
    assert ended.value.code == code
    failed = stripe_client.v1.payment_intents.retrieve(intent.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error.code == code
    assert event_types(intent.id)[-1] == "payment_intent.payment_failed"
    with pytest.raises(stripe.InvalidRequestError) as late:
        stripe_client.v1.payment_intents.verify_microdeposits(intent.id, {"amounts": [32, 45]})
    assert late.value.code == "payment_intent_unexpected_state"


@pytest.mark.parametrize("answer, code", [
    ({"amounts": [10, 11]}, "payment_method_microdeposit_verification_attempts_exceeded"),
    ({"descriptor_code": "SM33CC"}, "payment_method_microdeposit_verification_attempts_exceeded"),
    ({"amounts": [40, 41]}, "payment_method_microdeposit_verification_timeout"),
    ({"descriptor_code": "SM44DD"}, "payment_method_microdeposit_verification_timeout"),
])
def test_stripes_test_values_for_failed_verification(stripe_client, answer, code):
    intent = bank_intent(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.verify_microdeposits(intent.id, answer)
    assert refused.value.code == code
    assert refused.value.error.payment_intent.status == "requires_payment_method"
    assert refused.value.error.payment_intent.last_payment_error.code == code


def test_microdeposits_time_out_after_ten_days(stripe_client, emulator):
    intent = bank_intent(stripe_client)
    settle(emulator, days=9)
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "requires_action"
    settle(emulator, days=2)
    timed_out = stripe_client.v1.payment_intents.retrieve(intent.id)
    assert timed_out.status == "requires_payment_method"
    assert timed_out.last_payment_error.code == "payment_method_microdeposit_verification_timeout"


@pytest.mark.parametrize("account, code, mandate_status", [
    ("000111111113", "account_closed", "inactive"),
    ("000111111116", "no_account", "inactive"),
    ("000222222227", "insufficient_funds", "active"),
    ("000333333335", "debit_not_authorized", "inactive"),
])
def test_failing_accounts_fail_days_later(stripe_client, emulator, event_types, account, code,
                                         mandate_status):
    intent = verified(stripe_client, account)
    assert intent.status == "processing"
    charge_id = intent.latest_charge

    settle(emulator)

    failed = stripe_client.v1.payment_intents.retrieve(intent.id)
    assert failed.status == "requires_payment_method"
    assert failed.payment_method is None
    error = failed.last_payment_error
    assert (error.code, error.charge) == (code, charge_id)
    assert error.payment_method.us_bank_account.last4 == account[-4:]
    charge = stripe_client.v1.charges.retrieve(charge_id)
    assert (charge.status, charge.failure_code) == ("failed", code)
    assert charge.failure_message == error.message
    mandate = stripe_client.v1.mandates.retrieve(
        charge.payment_method_details.us_bank_account.mandate)
    assert mandate.status == mandate_status
    assert event_types(intent.id)[-1] == "payment_intent.payment_failed"
    assert event_types(charge_id) == ["charge.pending", "charge.failed"]


def test_a_failed_debit_can_be_paid_again_on_the_same_intent(stripe_client, emulator, card):
    intent = verified(stripe_client, "000222222227")
    settle(emulator)
    again = stripe_client.v1.payment_intents.update(
        intent.id, {"allowed_payment_method_types": ["card"]})
    paid = stripe_client.v1.payment_intents.confirm(
        again.id, {"payment_method": card("4242424242424242").id})
    assert paid.status == "succeeded"


def test_the_processing_account_never_settles_and_can_be_canceled(stripe_client, emulator):
    intent = verified(stripe_client, "000000000009")
    settle(emulator, days=30)
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "processing"
    assert stripe_client.v1.payment_intents.cancel(intent.id).status == "canceled"


def test_the_disputed_account_succeeds_then_is_disputed(stripe_client, emulator, event_types):
    intent = verified(stripe_client, "000555555559")
    settle(emulator)
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "succeeded"
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert charge.disputed is True
    assert event_types(charge.id) == ["charge.pending", "charge.succeeded"]
    created = stripe_client.v1.events.list({"type": "charge.dispute.created"}).data
    assert len(created) == 1
    dispute = stripe_client.v1.disputes.retrieve(created[0].data.object.id)
    assert (dispute.charge, dispute.payment_intent, dispute.amount) == (
        charge.id, intent.id, 10_000)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.refunds.create({"payment_intent": intent.id})
    assert refused.value.code == "charge_disputed"


def test_microdeposits_that_cannot_be_sent_fail_the_intent(stripe_client):
    intent = bank_intent(stripe_client, "000666666661")
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "payment_method_microdeposit_failed"


def test_confirming_needs_a_mandate(stripe_client):
    intent = bank_intent(stripe_client, confirm=False)
    assert intent.status == "requires_confirmation"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.confirm(intent.id)
    assert refused.value.param == "mandate_data"
    assert "mandate" in refused.value.user_message
    confirmed = stripe_client.v1.payment_intents.confirm(intent.id,
                                                         {"mandate_data": MANDATE_DATA})
    assert confirmed.status == "requires_action"


def test_an_account_linked_in_the_bank_dialog_processes_at_once(
        stripe_client, browser_client, emulator):
    intent = stripe_client.v1.payment_intents.create({
        "amount": 5000, "currency": "usd", "allowed_payment_method_types": ["us_bank_account"]})
    response = browser_client.raw_request(
        "post", f"/v1/payment_intents/{intent.id}/collect_bank_account",
        client_secret=intent.client_secret, linked_account="success",
        payment_method_data={"type": "us_bank_account", "billing_details": BILLING})
    collected = browser_client.deserialize(response, api_mode="V1")
    assert collected.status == "requires_confirmation"
    payment_method = stripe_client.v1.payment_methods.retrieve(collected.payment_method)
    assert payment_method.us_bank_account.financial_connections_account.startswith("fca_")

    processing = stripe_client.v1.payment_intents.confirm(intent.id,
                                                          {"mandate_data": MANDATE_DATA})
    assert processing.status == "processing"
    settle(emulator)
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "succeeded"


def test_bank_debits_take_us_dollars_only(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create({
            "amount": 5000, "currency": "eur", "allowed_payment_method_types": ["us_bank_account"]})
    assert refused.value.param == "allowed_payment_method_types"


def test_a_card_cannot_pay_a_bank_only_intent(stripe_client, card):
    intent = stripe_client.v1.payment_intents.create({
        "amount": 5000, "currency": "usd", "allowed_payment_method_types": ["us_bank_account"]})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.confirm(
            intent.id, {"payment_method": card("4242424242424242").id})
    assert refused.value.param == "payment_method"
    assert "not allowed for this PaymentIntent" in refused.value.user_message


@pytest.mark.parametrize("bank, code", [
    ({"routing_number": "110000001", "account_number": "000123456789"}, "routing_number_invalid"),
    ({"routing_number": ROUTING, "account_number": "12"}, "account_number_invalid"),
])
def test_bank_details_are_checked(browser_client, bank, code):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        browser_client.v1.payment_methods.create({
            "type": "us_bank_account", "us_bank_account": bank, "billing_details": BILLING})
    assert refused.value.code == code


def test_the_account_holder_name_is_required(browser_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        browser_client.v1.payment_methods.create({
            "type": "us_bank_account", "billing_details": {"email": "a@example.com"},
            "us_bank_account": {"routing_number": ROUTING, "account_number": "000123456789"}})
    assert refused.value.param == "billing_details[name]"


def test_settlement_reaches_the_webhook_without_a_request(stripe_client, emulator,
                                                          webhook_receiver):
    intent = verified(stripe_client)
    settle(emulator)
    succeeded = webhook_receiver.wait_for(
        lambda d: json.loads(d["body"])["type"] == "payment_intent.succeeded")
    event = json.loads(succeeded[0]["body"])
    assert event["data"]["object"]["id"] == intent.id
    assert event["data"]["object"]["metadata"] == {"order_id": "42"}
    assert event["request"]["id"] is None
