"""Paying from a US bank account (ACH Direct Debit) in Chromium against the local Stripe: the bank
dialog, the mandate, microdeposits, the days the money takes (the local Stripe's clock), and a
debit that fails after the customer has left."""
import re
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from storefront.models import OrderTransition
from storefront.web.extensions import db
from tests import stripe_frames
from tests.a11y import axe_violations
from tests.e2e.checkout_page import fill_address, message, open_product, pay, receipt_url
from tests.helpers import deliver_held_events_reversed_and_twice
from tests.waiting import wait_for
from tests.clock import advance

pytestmark = pytest.mark.e2e

SLUG = "city-lights-poster"
# Four business days from any weekday fit in six calendar days.
SETTLEMENT_DAYS = 6


def settle(local_stripe):
    advance(local_stripe, days=SETTLEMENT_DAYS)


def status_of(orders):
    return lambda: orders()[0].status


def start_bank_payment(page, shop, name="Jenny Rosen", email="ada@example.com"):
    open_product(page, shop, SLUG)
    fill_address(page, "US")
    page.fill("#email", email)
    expect(page.locator(".method-choice")).to_contain_text("US bank account (2% off)")
    page.get_by_label("US bank account").check()
    # Picking the bank re-prices: the catalog's 2% comes off the $18.00 poster, and Pay says so.
    expect(page.locator("[data-discount]")).to_have_text("Bank discount (2%)−$0.36")
    expect(page.locator("[data-total]")).to_have_text("$17.64")
    expect(page.locator("#pay-amount")).to_contain_text("$17.64")
    page.get_by_label("Account holder's name").fill(name)
    page.locator("[data-pay-button]").click()
    expect(stripe_frames.bank_dialog_frame(page)).to_be_visible()


def agree(page):
    expect(page.locator("[data-bank-account]")).to_contain_text("ending")
    page.get_by_role("button", name="Agree and pay").click()


def transitions(app, order):
    with app.app_context():
        query = db.select(OrderTransition.to_status).filter_by(order_id=order.id)
        return db.session.scalars(query.order_by(OrderTransition.id)).all()


@pytest.mark.both_api_versions
def test_instant_verification_processes_then_pays_when_the_money_arrives(
        page, shop, app, orders, local_stripe, outbox, stripe_client, stripe_requests,
        console_errors):
    # Webhooks wait until the browser is done, so that the Stripe calls counted below are the
    # same every run (either the browser or the processing webhook would ask Stripe first).
    requests.post(f"{local_stripe.url}/_emulator/events/hold")
    try:
        start_bank_payment(page, shop)
        stripe_frames.link_test_bank(page, "Success")
        agree(page)
        page.wait_for_url(receipt_url())
    finally:
        requests.post(f"{local_stripe.url}/_emulator/events/release", json={"order": "fifo"})
    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment is on its way")
    expect(page.locator(".receipt")).to_contain_text("expect it by")
    [order] = orders()
    assert order.status == "processing" and order.fulfilled_at is None and outbox == []

    settle(local_stripe)
    wait_for(lambda: status_of(orders)() == "paid", "the debit's success never reached the order")
    wait_for(lambda: outbox, "no receipt")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Your payment went through.")
    assert [m["To"] for m in outbox] == ["ada@example.com"]
    assert transitions(app, order) == ["processing", "paid"]
    # The shop's own Stripe calls for a bank order: create the intent, and ask how the browser's
    # step went; the webhooks agree with the order and cost none.
    calls = [(c["method"], c["path"].split("/pi_")[0]) for c in stripe_requests(key_kind="secret")]
    assert calls == [("POST", "/v1/payment_intents"), ("GET", "/v1/payment_intents")]
    assert console_errors == []  # no CSP violation, no script error, in any frame
    intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
    assert intent.payment_method_types == ["us_bank_account"] and intent.status == "succeeded"
    assert intent.amount == order.total == 1764  # the discounted total, as the page showed it


def test_manual_entry_with_wrong_microdeposits_then_the_right_ones(
        page, shop, orders, local_stripe, outbox):
    start_bank_payment(page, shop)
    stripe_frames.enter_bank_details(page, "110000000", "000123456789")
    agree(page)
    amounts = page.locator("[data-bank-amount]")
    expect(amounts.first).to_be_visible()
    expect(page.locator("[data-bank-verify-link]")).to_have_attribute(
        "href", re.compile("^" + re.escape(local_stripe.url)))
    [order] = orders()
    assert order.status == "requires_action"
    # Leaving now, the receipt page sends the customer to Stripe's verification page.
    receipt = page.context.new_page()
    receipt.goto(f"{shop.url}/orders/{order.public_id}")
    expect(receipt.get_by_role("heading", level=1)).to_have_text("Verify your bank account to pay")
    expect(receipt.get_by_role("link", name="Enter their amounts on Stripe's page")).to_have_attribute(
        "href", re.compile("^" + re.escape(local_stripe.url)))
    receipt.close()

    amounts.nth(0).fill("12")
    amounts.nth(1).fill("34")
    page.get_by_role("button", name="Verify and pay").click()
    expect(message(page)).to_contain_text("do not match")
    assert orders()[0].status == "requires_action"

    amounts.nth(0).fill("32")
    amounts.nth(1).fill("45")
    page.get_by_role("button", name="Verify and pay").click()
    page.wait_for_url(receipt_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment is on its way")
    assert orders()[0].status == "processing"

    settle(local_stripe)
    wait_for(lambda: status_of(orders)() == "paid", "the verified debit never paid the order")
    receipt = f"Your receipt for order #{order.id}"
    wait_for(lambda: any(m["Subject"] == receipt for m in outbox), "no receipt")
    # The microdeposits' email (its verification link) when they were sent, then one receipt.
    assert [m["Subject"] for m in outbox] == [
        f"Verify your bank account to pay for order #{order.id}", receipt]


@pytest.mark.timeout(180)
def test_a_debit_that_fails_days_later_emails_a_link_to_pay_the_same_order_by_card(
        page, shop, app, orders, local_stripe, outbox, stripe_client):
    start_bank_payment(page, shop)
    stripe_frames.link_test_bank(page, "Insufficient funds")
    agree(page)
    page.wait_for_url(receipt_url())
    [order] = orders()
    assert order.status == "processing"

    settle(local_stripe)
    wait_for(lambda: status_of(orders)() == "failed", "the returned debit never reached the order")
    wait_for(lambda: outbox, "no email about the failed payment")
    [mail] = outbox
    assert mail["To"] == "ada@example.com" and "did not go through" in mail["Subject"]
    body = mail.get_content()
    assert "did not have enough funds" in body
    link = urlsplit(re.search(r"https?://\S+/orders/\S+/pay\?token=\S+", body).group(0))

    # The link works in any browser the customer opens it in (a new session).
    page.context.clear_cookies()
    page.goto(f"{shop.url}{link.path}?{link.query}")
    expect(page.get_by_role("alert")).to_contain_text("did not go through")
    stripe_frames.card_number_input(page).wait_for()
    pay(page, "4242424242424242")
    page.wait_for_url(receipt_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Your payment went through.")
    [paid] = orders()  # the same order, paid by card, at the card's price: no bank discount
    assert (paid.id, paid.status, paid.total) == (order.id, "paid", 1800)
    by_card = stripe_client.payment_intents.retrieve(paid.payment_intent_id)
    assert (by_card.payment_method_types, by_card.amount) == (["card"], 1800)
    assert transitions(app, order) == ["processing", "failed", "pending", "paid"]
    assert page.goto(f"{shop.url}{link.path}?token=forged").status == 404


def test_a_bank_orders_webhooks_out_of_order_and_twice_make_one_state_and_one_receipt(
        page, shop, app, orders, local_stripe, outbox):
    requests.post(f"{local_stripe.url}/_emulator/events/hold")
    try:
        start_bank_payment(page, shop)
        stripe_frames.link_test_bank(page, "Success")
        agree(page)
        page.wait_for_url(receipt_url())
        settle(local_stripe)
    finally:
        deliver_held_events_reversed_and_twice(local_stripe.url, shop.url)
    [order] = orders()
    assert order.status == "paid"
    assert transitions(app, order) == ["processing", "paid"]
    assert len(outbox) == 1


def test_the_bank_option_the_mandate_and_the_microdeposit_form_pass_axe(browser, shop):
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    try:
        page = context.new_page()
        start_bank_payment(page, shop)
        assert axe_violations(page) == [], "the bank option"
        stripe_frames.enter_bank_details(page, "110000000", "000123456789")
        expect(page.locator("[data-bank-account]")).to_contain_text("ending")
        assert axe_violations(page) == [], "the mandate"
        page.get_by_role("button", name="Agree and pay").click()
        expect(page.locator("[data-bank-amount]").first).to_be_visible()
        assert axe_violations(page) == [], "the microdeposit form"
    finally:
        context.close()
