"""ACH Direct Debit through the emulator's Stripe.js: the bank dialog (instant verification and
manual entry), confirmUsBankAccountPayment, verifyMicrodepositsForPayment, and the hosted
verification page; bank numbers stay inside the emulator's origin."""
import re

import pytest
from playwright.sync_api import expect

from tests import stripe_frames as sf
from tests.a11y import axe_violations
from tests.emulator.bank import bank_intent as bank_debit
from tests.emulator.stripejs_page.fixtures import (  # noqa: F401
    emulator, host, host_page, problems, stripe_client,
)
from tests.emulator.test_stripejs_payments import call, result, run
from tests.clock import advance

pytestmark = pytest.mark.e2e


def bank_intent(stripe_client, amount=12_500):
    return stripe_client.v1.payment_intents.create({
        "amount": amount, "currency": "usd", "allowed_payment_method_types": ["us_bank_account"],
        "metadata": {"order_id": "7"}})


def typed_in_bank_intent(stripe_client):
    """Confirmed on the server with an account typed in: waiting for microdeposits."""
    return bank_debit(stripe_client, amount=4_000)


def collect(page, intent):
    return run(page, "collectBankAccount", intent.client_secret, "Jenny Rosen",
               "jenny@example.com")


def test_instant_verification_links_the_test_bank_then_processes(host_page, stripe_client,
                                                                 emulator):
    page = host_page
    intent = bank_intent(stripe_client)
    key = collect(page, intent)
    expect(sf.bank_dialog_frame(page)).to_be_visible()
    expect(sf.bank_dialog_frame(page)).to_have_attribute(
        "src", re.compile("^" + re.escape(emulator.url) + "/v3/linked-accounts"))
    sf.link_test_bank(page, "Success")

    collected = result(page, key)["paymentIntent"]
    assert collected["status"] == "requires_confirmation"
    assert collected["payment_method"]["us_bank_account"]["last4"] == "6789"
    assert collected["payment_method"]["billing_details"]["email"] == "jenny@example.com"

    confirmed = call(page, "confirmUsBankAccountPayment", intent.client_secret)["paymentIntent"]
    assert confirmed["status"] == "processing"
    mandate_id = stripe_client.v1.charges.retrieve(
        stripe_client.v1.payment_intents.retrieve(intent.id).latest_charge
    ).payment_method_details.us_bank_account.mandate
    mandate = stripe_client.v1.mandates.retrieve(mandate_id)
    assert mandate.customer_acceptance.online.user_agent   # inferred from the browser
    advance(emulator, 6)
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "succeeded"


def test_manual_entry_then_microdeposits_with_a_wrong_try_first(host_page, stripe_client,
                                                                problems):
    page = host_page
    sent = []
    page.on("request", lambda r: sent.append((r.url, r.post_data or "", r.frame.url)))
    intent = bank_intent(stripe_client)
    key = collect(page, intent)
    sf.enter_bank_details(page, "110000000", "000123456789")
    assert result(page, key)["paymentIntent"]["status"] == "requires_confirmation"

    confirmed = call(page, "confirmUsBankAccountPayment", intent.client_secret)["paymentIntent"]
    assert confirmed["status"] == "requires_action"
    assert confirmed["next_action"]["type"] == "verify_with_microdeposits"

    wrong = call(page, "verifyMicrodeposits", intent.client_secret, {"amounts": [12, 34]})
    assert wrong["error"]["code"] == "payment_method_microdeposit_verification_amounts_mismatch"
    assert wrong["error"]["payment_intent"]["status"] == "requires_action"
    right = call(page, "verifyMicrodeposits", intent.client_secret, {"amounts": [32, 45]})
    assert right["paymentIntent"]["status"] == "processing"
    # The browser logs the API's 400 for the wrong amounts, as it does with real Stripe.js.
    problems[:] = [p for p in problems if "status of 400" not in p]

    # The account number went only from the dialog frame to the emulator's API.
    with_number = [(url, frame) for url, body, frame in sent if "000123456789" in url + body]
    assert len(with_number) == 1
    assert "/collect_bank_account" in with_number[0][0]
    assert "/v3/linked-accounts" in with_number[0][1]
    host_state = page.evaluate("() => document.documentElement.outerHTML"
                               " + JSON.stringify(window.results)")
    assert "000123456789" not in host_state


def test_the_dialog_checks_what_is_typed_and_shows_the_apis_error(host_page, stripe_client,
                                                                  problems):
    page = host_page
    intent = bank_intent(stripe_client)
    key = collect(page, intent)
    sf.enter_bank_details(page, "110000000", "000123456789", confirmation="000123456780",
                          finish=False)
    expect(sf.bank_dialog_error(page)).to_have_text("The account numbers do not match.")
    dialog = sf.bank_dialog(page)
    dialog.get_by_label("Routing number", exact=True).fill("110000001")
    dialog.get_by_label("Confirm account number", exact=True).fill("000123456789")
    dialog.get_by_role("button", name="Submit").click()
    expect(sf.bank_dialog_error(page)).to_have_text("The bank routing number provided is invalid.")
    problems[:] = [p for p in problems if "status of 400" not in p]   # the API's answer, logged
    sf.close_bank_dialog(page)
    assert result(page, key)["paymentIntent"]["status"] == "requires_payment_method"


def test_closing_the_dialog_leaves_the_intent_without_a_payment_method(host_page,
                                                                       stripe_client):
    page = host_page
    intent = bank_intent(stripe_client)
    key = collect(page, intent)
    sf.close_bank_dialog(page)
    outcome = result(page, key)
    assert outcome["paymentIntent"]["status"] == "requires_payment_method"
    assert outcome["paymentIntent"]["payment_method"] is None
    expect(sf.bank_dialog_frame(page)).to_have_count(0)


def test_the_hosted_page_verifies_the_descriptor_code(page, stripe_client):
    intent = typed_in_bank_intent(stripe_client)
    url = intent.next_action.verify_with_microdeposits.hosted_verification_url

    sf.verify_on_hosted_page(page, url, descriptor_code="SM00XX")
    expect(page.get_by_role("alert")).to_have_text(
        "The verification code provided does not match the one sent to the bank account.")
    sf.verify_on_hosted_page(page, url, descriptor_code="SM11AA")
    expect(page.get_by_role("heading")).to_have_text("Your bank account is verified")
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "processing"

    assert page.goto(url.replace("/microdeposits/", "/microdeposits/x")).status == 404


def test_the_bank_pages_pass_axe(browser, stripe_client, emulator):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    intent = typed_in_bank_intent(stripe_client)
    page.goto(intent.next_action.verify_with_microdeposits.hosted_verification_url)
    assert axe_violations(page) == []
    page.goto(emulator.url + "/v3/linked-accounts-inner.html")
    for pane in ("consent", "accounts", "manual"):
        page.evaluate("""pane => document.querySelectorAll('[data-pane]').forEach(
            section => { section.hidden = section.dataset.pane !== pane; })""", pane)
        assert axe_violations(page) == [], pane
    context.close()
