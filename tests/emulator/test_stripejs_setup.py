"""Saving a card or a bank account through the emulator's Stripe.js: confirmCardSetup with its
3-D Secure challenge and a decline; collectBankAccountForSetup, confirmUsBankAccountSetup and
verifyMicrodepositsForSetup. Each resolves to {setupIntent} or {error}, as Stripe.js does."""
import pytest
from playwright.sync_api import expect

from tests import stripe_frames as sf
from tests.emulator.stripejs_page.fixtures import (  # noqa: F401
    emulator, host, host_page, problems, stripe_client,
)
from tests.emulator.test_stripejs_payments import call, result, run

pytestmark = pytest.mark.e2e


def setup_intent(stripe_client, kind, customer_id):
    return stripe_client.v1.setup_intents.create({
        "customer": customer_id, "allowed_payment_method_types": [kind]})


def test_confirm_card_setup_with_3ds_then_a_decline(host_page, stripe_client, problems):
    page = host_page
    customer = stripe_client.v1.customers.create({"email": "ada@example.com"})
    intent = setup_intent(stripe_client, "card", customer.id)
    sf.fill_card(page, "4000002500003155", "12/34", "123", container="#split-form")

    key = run(page, "confirmCardSetup", intent.client_secret, "cardNumber")
    expect(sf.three_ds_modal(page)).to_be_visible()
    sf.complete_3ds(page)
    saved = result(page, key)["setupIntent"]
    assert (saved["id"], saved["status"]) == (intent.id, "succeeded")
    expect(sf.three_ds_modal(page)).to_have_count(0)
    method = stripe_client.v1.payment_methods.retrieve(saved["payment_method"])
    assert (method.customer, method.card.last4) == (customer.id, "3155")
    paid = stripe_client.v1.payment_intents.create({
        "amount": 1200, "currency": "usd", "customer": customer.id,
        "payment_method": method.id, "allowed_payment_method_types": ["card"],
        "off_session": True, "confirm": True})
    assert paid.status == "succeeded"   # saved with 3-D Secure: no challenge off-session

    declined = setup_intent(stripe_client, "card", customer.id)
    sf.fill_card(page, "4000000000000002", "12/34", "123", postal="94110",
                 container="#card-form")
    error = call(page, "confirmCardSetup", declined.client_secret, "card")["error"]
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", "card_declined", "generic_decline")
    assert error["setup_intent"]["status"] == "requires_payment_method"
    problems[:] = [p for p in problems if "status of 402" not in p]   # the API's answer, logged


def test_bank_account_setup_by_hand_with_microdeposits(host_page, stripe_client, problems):
    page = host_page
    customer = stripe_client.v1.customers.create({"email": "jenny@example.com"})
    intent = setup_intent(stripe_client, "us_bank_account", customer.id)

    key = run(page, "collectBankAccountForSetup", intent.client_secret, "Jenny Rosen",
              "jenny@example.com")
    sf.enter_bank_details(page, "110000000", "000123456789")
    collected = result(page, key)["setupIntent"]
    assert collected["status"] == "requires_confirmation"

    confirmed = call(page, "confirmUsBankAccountSetup", intent.client_secret)["setupIntent"]
    assert confirmed["status"] == "requires_action"
    assert confirmed["next_action"]["type"] == "verify_with_microdeposits"

    wrong = call(page, "verifyMicrodepositsForSetup", intent.client_secret,
                 {"amounts": [12, 34]})["error"]
    assert wrong["code"] == "payment_method_microdeposit_verification_amounts_mismatch"
    assert wrong["setup_intent"]["status"] == "requires_action"
    right = call(page, "verifyMicrodepositsForSetup", intent.client_secret,
                 {"descriptor_code": "SM11AA"})["setupIntent"]
    assert right["status"] == "succeeded"
    problems[:] = [p for p in problems if "status of 400" not in p]   # the API's answer, logged

    server = stripe_client.v1.setup_intents.retrieve(intent.id)
    mandate = stripe_client.v1.mandates.retrieve(server.mandate)
    assert mandate.status == "active"
    assert mandate.customer_acceptance.online.user_agent   # inferred from the browser
    saved = stripe_client.v1.customers.payment_methods.list(
        customer.id, {"type": "us_bank_account"}).data
    assert [m.id for m in saved] == [server.payment_method]
