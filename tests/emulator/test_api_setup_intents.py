"""SetupIntents through the official library: cards (3-D Secure on setup, declines), bank
accounts (instant, microdeposits), cancel and list; and what a saved card does later."""
import pytest
import requests
import stripe

from tests.emulator.bank import BILLING, MANDATE_DATA, SUCCEEDS, typed_in
from tests.clock import advance

THREE_DS_ON_SETUP = "4000002500003155"
THREE_DS_ALWAYS = "4000002760003184"


@pytest.fixture
def customer(stripe_client):
    return stripe_client.v1.customers.create({"email": "ada@example.com", "name": "Ada"})


@pytest.fixture
def setup(stripe_client, customer):
    """setup(pm) → a card SetupIntent for `customer`, created and confirmed on the server."""
    def create(payment_method, **params):
        return stripe_client.v1.setup_intents.create({
            "customer": customer.id, "payment_method": payment_method,
            "allowed_payment_method_types": ["card"], "confirm": True, **params})
    return create


def test_a_card_is_set_up_and_attached(stripe_client, customer, card, setup, event_types):
    method = card("4242424242424242")
    intent = setup(method.id, usage="on_session")
    assert (intent.status, intent.usage, intent.payment_method) == (
        "succeeded", "on_session", method.id)
    assert intent.client_secret.startswith(intent.id + "_secret_")
    assert stripe_client.v1.payment_methods.retrieve(method.id).customer == customer.id
    assert event_types(intent.id) == ["setup_intent.created", "setup_intent.succeeded"]
    assert event_types(method.id) == ["payment_method.attached"]
    listed = stripe_client.v1.setup_intents.list({"customer": customer.id}).data
    assert [i.id for i in listed] == [intent.id]


def test_created_then_confirmed_in_steps(stripe_client, customer, card):
    intent = stripe_client.v1.setup_intents.create({
        "customer": customer.id, "allowed_payment_method_types": ["card"],
        "metadata": {"account_id": "9"}})
    assert (intent.status, intent.usage) == ("requires_payment_method", "off_session")
    with pytest.raises(stripe.InvalidRequestError) as empty:
        stripe_client.v1.setup_intents.confirm(intent.id)
    assert empty.value.code == "setup_intent_unexpected_state"
    method = card("5555555555554444")
    updated = stripe_client.v1.setup_intents.update(intent.id, {"payment_method": method.id,
                                                                "description": "Saved card"})
    assert updated.status == "requires_confirmation"
    done = stripe_client.v1.setup_intents.confirm(intent.id)
    assert done.status == "succeeded"
    with pytest.raises(stripe.InvalidRequestError) as twice:
        stripe_client.v1.setup_intents.confirm(intent.id)
    assert "already succeeded" in twice.value.user_message
    assert stripe_client.v1.setup_intents.retrieve(intent.id).metadata.account_id == "9"


@pytest.mark.parametrize("number, code, decline_code", [
    ("4000000000000002", "card_declined", "generic_decline"),
    ("4000000000009995", "card_declined", "insufficient_funds"),
])
def test_a_declined_card_fails_the_setup(stripe_client, card, setup, event_types, number, code,
                                         decline_code):
    method = card(number)
    with pytest.raises(stripe.CardError) as declined:
        setup(method.id)
    assert (declined.value.code, declined.value.error.decline_code) == (code, decline_code)
    intent = declined.value.error.setup_intent
    assert intent.status == "requires_payment_method"
    assert intent.last_setup_error.code == code
    assert intent.last_setup_error.payment_method.id == method.id
    assert event_types(intent.id) == ["setup_intent.created", "setup_intent.setup_failed"]
    assert stripe_client.v1.payment_methods.retrieve(method.id).customer is None


def test_the_card_that_declines_every_charge_still_sets_up(stripe_client, customer, card, setup,
                                                          pay):
    method = card("4000000000000341")
    assert setup(method.id).status == "succeeded"
    with pytest.raises(stripe.CardError):
        pay(method.id, customer=customer.id, off_session=True)


def answer(browser_client, intent, outcome):
    response = browser_client.raw_request(
        "post", f"/v1/setup_intents/{intent.id}/three_ds_challenge",
        client_secret=intent.client_secret, outcome=outcome)
    return browser_client.deserialize(response, api_mode="V1")


def test_3155_asks_for_3ds_on_setup_then_pays_without_it(stripe_client, browser_client, customer,
                                                         card, setup, pay, event_types):
    method = card(THREE_DS_ON_SETUP)
    # Paid once, without being set up, it asks every time.
    assert pay(card(THREE_DS_ON_SETUP).id).status == "requires_action"

    intent = setup(method.id)
    assert intent.status == "requires_action"
    assert intent.next_action.type == "use_stripe_sdk"
    assert f"/three-ds/challenge/{intent.id}" in intent.next_action.use_stripe_sdk.stripe_js
    done = answer(browser_client, intent, "complete")
    assert done.status == "succeeded"
    assert event_types(intent.id) == ["setup_intent.created", "setup_intent.requires_action",
                                      "setup_intent.succeeded"]
    assert stripe_client.v1.payment_methods.retrieve(method.id).customer == customer.id

    off = pay(method.id, customer=customer.id, off_session=True)
    on = pay(method.id, customer=customer.id)
    assert (off.status, on.status) == ("succeeded", "succeeded")


def test_3184_asks_for_3ds_on_every_payment_even_saved(stripe_client, browser_client, customer,
                                                       card, setup, pay):
    method = card(THREE_DS_ALWAYS)
    intent = setup(method.id)
    assert answer(browser_client, intent, "complete").status == "succeeded"

    on = pay(method.id, customer=customer.id)
    assert (on.status, on.next_action.type) == ("requires_action", "use_stripe_sdk")
    with pytest.raises(stripe.CardError) as off:
        pay(method.id, customer=customer.id, off_session=True)
    assert off.value.code == "authentication_required"


def test_a_failed_challenge_fails_the_setup(stripe_client, browser_client, card, setup,
                                            event_types):
    method = card(THREE_DS_ON_SETUP)
    intent = setup(method.id)
    failed = answer(browser_client, intent, "fail")
    assert failed.status == "requires_payment_method"
    assert failed.last_setup_error.code == "setup_intent_authentication_failure"
    assert event_types(intent.id)[-1] == "setup_intent.setup_failed"
    assert stripe_client.v1.payment_methods.retrieve(method.id).customer is None


def test_3155_saved_by_a_payment_with_setup_future_usage_pays_later_without_3ds(
        stripe_client, customer, card, pay, challenge):
    method = card(THREE_DS_ON_SETUP)
    first = pay(method.id, customer=customer.id, setup_future_usage="off_session")
    assert first.status == "requires_action"
    challenge(first, "complete")
    paid = stripe_client.v1.payment_intents.confirm(first.id)
    assert paid.status == "succeeded"
    assert stripe_client.v1.payment_methods.retrieve(method.id).customer == customer.id
    assert pay(method.id, customer=customer.id, off_session=True).status == "succeeded"


def test_cancel(stripe_client, customer, event_types):
    intent = stripe_client.v1.setup_intents.create({"customer": customer.id,
                                                    "allowed_payment_method_types": ["card"]})
    canceled = stripe_client.v1.setup_intents.cancel(
        intent.id, {"cancellation_reason": "abandoned"})
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "abandoned")
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.setup_intents.cancel(intent.id)
    assert again.value.code == "setup_intent_unexpected_state"
    assert event_types(intent.id) == ["setup_intent.created", "setup_intent.canceled"]


def test_a_publishable_key_needs_the_client_secret_and_sees_less(browser_client, stripe_client,
                                                                 customer):
    intent = stripe_client.v1.setup_intents.create({"customer": customer.id,
                                                    "allowed_payment_method_types": ["card"]})
    with pytest.raises(stripe.InvalidRequestError):
        browser_client.v1.setup_intents.retrieve(intent.id)
    seen = browser_client.v1.setup_intents.retrieve(intent.id,
                                                    {"client_secret": intent.client_secret})
    assert seen.status == "requires_payment_method"
    assert "customer" not in seen


def bank_setup(stripe_client, customer, account=SUCCEEDS):
    return stripe_client.v1.setup_intents.create({
        "customer": customer.id, "allowed_payment_method_types": ["us_bank_account"],
        "payment_method_data": typed_in(account), "mandate_data": MANDATE_DATA,
        "confirm": True})


def test_a_bank_account_set_up_with_microdeposits_then_debited_off_session(
        stripe_client, emulator, customer, event_types):
    intent = bank_setup(stripe_client, customer)
    assert intent.status == "requires_action"
    details = intent.next_action.verify_with_microdeposits
    assert details.hosted_verification_url.startswith(emulator.url + "/microdeposits/")
    assert details.microdeposit_type == "descriptor_code"
    assert details.arrival_date > intent.created
    mandate = stripe_client.v1.mandates.retrieve(intent.mandate)
    assert mandate.status == "pending"

    with pytest.raises(stripe.InvalidRequestError) as wrong:
        stripe_client.v1.setup_intents.verify_microdeposits(intent.id, {"amounts": [12, 34]})
    assert wrong.value.code == "payment_method_microdeposit_verification_amounts_mismatch"
    done = stripe_client.v1.setup_intents.verify_microdeposits(intent.id,
                                                              {"descriptor_code": "SM11AA"})
    assert done.status == "succeeded"
    assert stripe_client.v1.mandates.retrieve(intent.mandate).status == "active"
    assert stripe_client.v1.payment_methods.retrieve(intent.payment_method).customer == \
        customer.id
    assert event_types(intent.id) == ["setup_intent.created", "setup_intent.requires_action",
                                      "setup_intent.succeeded"]

    # Later, off-session: no microdeposits, no new mandate.
    debit = stripe_client.v1.payment_intents.create({
        "amount": 5_000, "currency": "usd", "customer": customer.id,
        "payment_method": intent.payment_method, "off_session": True, "confirm": True,
        "allowed_payment_method_types": ["us_bank_account"]})
    assert debit.status == "processing"
    charge = stripe_client.v1.charges.retrieve(debit.latest_charge)
    assert charge.payment_method_details.us_bank_account.mandate == intent.mandate
    advance(emulator, days=6)
    assert stripe_client.v1.payment_intents.retrieve(debit.id).status == "succeeded"


def test_three_wrong_amounts_end_the_bank_setup(stripe_client, customer):
    intent = bank_setup(stripe_client, customer)
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError):
            stripe_client.v1.setup_intents.verify_microdeposits(intent.id, {"amounts": [1, 2]})
    with pytest.raises(stripe.InvalidRequestError) as third:
        stripe_client.v1.setup_intents.verify_microdeposits(intent.id, {"amounts": [1, 2]})
    assert third.value.code == "payment_method_microdeposit_verification_attempts_exceeded"
    after = stripe_client.v1.setup_intents.retrieve(intent.id)
    assert after.status == "requires_payment_method"
    assert after.last_setup_error.code == \
        "payment_method_microdeposit_verification_attempts_exceeded"


def test_an_account_whose_microdeposits_fail_fails_the_setup(stripe_client, customer):
    intent = bank_setup(stripe_client, customer, account="000666666661")
    assert intent.status == "requires_payment_method"
    assert intent.last_setup_error.code == "payment_method_microdeposit_failed"


def test_a_bank_setup_needs_a_mandate(stripe_client, customer):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.setup_intents.create({
            "customer": customer.id, "allowed_payment_method_types": ["us_bank_account"],
            "payment_method_data": typed_in(SUCCEEDS), "confirm": True})
    assert refused.value.param == "mandate_data"


def test_setup_future_usage_on_a_bank_debit_saves_the_account_and_its_mandate(
        stripe_client, customer):
    intent = stripe_client.v1.payment_intents.create({
        "amount": 10_000, "currency": "usd", "customer": customer.id,
        "allowed_payment_method_types": ["us_bank_account"], "setup_future_usage": "off_session",
        "payment_method_data": typed_in(SUCCEEDS), "mandate_data": MANDATE_DATA,
        "confirm": True})
    verified = stripe_client.v1.payment_intents.verify_microdeposits(intent.id,
                                                                     {"amounts": [32, 45]})
    assert verified.status == "processing"
    assert stripe_client.v1.payment_methods.retrieve(intent.payment_method).customer == \
        customer.id
    again = stripe_client.v1.payment_intents.create({
        "amount": 2_000, "currency": "usd", "customer": customer.id,
        "payment_method": intent.payment_method, "off_session": True, "confirm": True,
        "allowed_payment_method_types": ["us_bank_account"]})
    assert again.status == "processing"


def test_the_hosted_page_verifies_a_setup(stripe_client, customer):
    intent = bank_setup(stripe_client, customer)
    url = intent.next_action.verify_with_microdeposits.hosted_verification_url
    page = requests.get(url)
    assert "saving this bank account" in page.text
    done = requests.post(url, data={"descriptor_code": "SM11AA"})
    assert "saved for future payments" in done.text
    assert stripe_client.v1.setup_intents.retrieve(intent.id).status == "succeeded"


def test_billing_name_is_needed_for_a_bank_account(stripe_client, customer):
    data = typed_in(SUCCEEDS)
    data["billing_details"] = {"email": BILLING["email"]}
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.setup_intents.create({
            "customer": customer.id, "allowed_payment_method_types": ["us_bank_account"],
            "payment_method_data": data, "mandate_data": MANDATE_DATA, "confirm": True})
    assert refused.value.param == "payment_method_data[billing_details][name]"


@pytest.mark.parametrize("outcome, status, redirect_status", [
    ("complete", "succeeded", "succeeded"), ("fail", "requires_payment_method", "failed")])
def test_a_server_confirm_with_a_return_url_redirects_to_the_bank(
        stripe_client, card, setup, outcome, status, redirect_status):
    intent = setup(card(THREE_DS_ON_SETUP).id, return_url="https://shop.test/saved?step=2")
    assert intent.next_action.type == "redirect_to_url"
    action = intent.next_action.redirect_to_url
    assert action.return_url == "https://shop.test/saved?step=2"
    assert "Complete" in requests.get(action.url).text
    answered = requests.post(action.url, data={"outcome": outcome}, allow_redirects=False)
    assert answered.status_code == 303
    assert answered.headers["Location"] == (
        f"https://shop.test/saved?step=2&setup_intent={intent.id}"
        f"&setup_intent_client_secret={intent.client_secret}&redirect_status={redirect_status}")
    assert stripe_client.v1.setup_intents.retrieve(intent.id).status == status


def test_a_saved_bank_account_whose_later_debit_fails_costs_the_failure_fee(
        stripe_client, emulator, customer):
    intent = bank_setup(stripe_client, customer, account="000222222227")   # insufficient funds
    saved = stripe_client.v1.setup_intents.verify_microdeposits(intent.id, {"amounts": [32, 45]})
    assert saved.status == "succeeded"
    debit = stripe_client.v1.payment_intents.create({
        "amount": 10_000, "currency": "usd", "customer": customer.id,
        "payment_method": saved.payment_method, "off_session": True, "confirm": True,
        "allowed_payment_method_types": ["us_bank_account"]})
    advance(emulator, days=6)
    failed = stripe_client.v1.payment_intents.retrieve(debit.id)
    assert (failed.status, failed.last_payment_error.code) == (
        "requires_payment_method", "insufficient_funds")
    charge = stripe_client.v1.charges.retrieve(debit.latest_charge,
                                               {"expand": ["failure_balance_transaction"]})
    reversal = charge.failure_balance_transaction
    assert (reversal.type, reversal.amount, reversal.reporting_category) == (
        "payment_failure_refund", -10_000, "charge_failure")
    failure_fee = [detail for detail in reversal.fee_details
                   if detail.description == "ACH Direct Debit failed payment fee"]
    assert [(d.amount, d.type, d.currency) for d in failure_fee] == [(400, "stripe_fee", "usd")]
    # Insufficient funds does not end the mandate: the saved account may be debited again.
    assert stripe_client.v1.mandates.retrieve(saved.mandate).status == "active"
