"""The checkout in a real browser against the local Stripe: every path a customer can take."""
import re

import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import MultiDict

from storefront.catalog import pricing
from storefront.catalog.money import format_money
from storefront.models import OrderTransition, PaymentAttempt, Product
from storefront.web.extensions import db
from tests import stripe_frames
from tests.conftest import AGAINST_STRIPE
from tests.e2e.checkout_page import (
    fill_address,
    message,
    open_product,
    pay,
    receipt_url,
    total,
    wait_for_price,
)

pytestmark = pytest.mark.e2e


def server_total(app, slug, form):
    """What the server charges for this form, formatted as the page shows it."""
    with app.app_context():
        product = db.session.scalar(db.select(Product).filter_by(slug=slug))
        _, quote = pricing.quote_form(product, form)
        assert quote.ok, quote.errors
        return format_money(quote.total, quote.currency)


def test_price_follows_every_choice(page, shop, app, stripe_requests, console_errors):
    slug = "letterpress-workshop"
    open_product(page, shop, slug)
    form = MultiDict()
    seen = {total(page).inner_text()}

    def change(action, *fields):
        wait_for_price(page, action)
        for name, value in fields:
            if name == "addon":
                form.add(name, value)
            else:
                form[name] = value
        expected = server_total(app, slug, form)
        expect(total(page)).to_have_text(expected)
        assert expected not in seen, "each change should move the price"
        seen.add(expected)

    change(lambda: page.fill("#quantity", "3"), ("quantity", "3"))
    change(lambda: page.get_by_label("Thursday 18:00–21:00").check(),
           ("option-session", "thursday-evening"))
    change(lambda: page.get_by_label("Take-home materials kit").check(), ("addon", "materials-kit"))
    change(lambda: page.get_by_label("15%").check(), ("tip", "15"))
    page.get_by_label("Other").check()
    change(lambda: page.fill("#tip_custom", "7.25"), ("tip", "custom"), ("tip_custom", "7.25"))

    # Pay what you want: typed, then a suggested amount; below the minimum is refused.
    slug = "field-notes-ebook"
    open_product(page, shop, slug)
    form = MultiDict()
    change(lambda: page.fill("#amount", "12.50"), ("amount", "12.50"))
    change(lambda: page.get_by_role("button", name="$25.00").click(), ("amount", "25.00"))
    expect(page.locator("#amount")).to_have_value("25.00")
    wait_for_price(page, lambda: page.fill("#amount", "2"))
    expect(page.locator("#error-amount")).to_have_text("The minimum is $5.00")
    expect(page.locator("#price")).to_have_attribute("data-quote-ok", "false")
    expect(page.locator("[data-pay-button]")).to_be_disabled()

    assert stripe_requests() == [], "a price change must cost no Stripe call"
    assert console_errors == []


@pytest.mark.both_api_versions
def test_pay_with_4242_lands_on_the_receipt(page, shop, orders, stripe_client, request):
    # Runs against Stripe too (make test-stripe); only the local Stripe keeps a request log.
    stripe_requests = None if AGAINST_STRIPE else request.getfixturevalue("stripe_requests")
    open_product(page, shop, "city-lights-poster")
    wait_for_price(page, lambda: page.fill("#quantity", "2"))
    fill_address(page, "US")
    shown = total(page).inner_text()
    pay(page, "4242424242424242")
    page.wait_for_url(receipt_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Your payment went through.")
    expect(page.locator("[data-total]")).to_have_text(shown)

    if stripe_requests:
        calls = stripe_requests(key_kind="secret")
        assert [(c["method"], c["path"]) for c in calls] == [("POST", "/v1/payment_intents")]
    [order] = orders()
    assert order.status == "paid"
    intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", order.total, "usd")
    assert intent.metadata["order_id"] == str(order.id)


@pytest.mark.both_api_versions
def test_3ds_challenge_completed(page, shop, app, orders, stripe_requests):
    open_product(page, shop, "organic-tee")
    pay(page, "4000002760003184")
    stripe_frames.complete_3ds(page)
    page.wait_for_url(receipt_url())
    [order] = orders()
    assert order.status == "paid"
    assert order_transitions(app, order) == ["requires_action", "paid"]
    assert len(stripe_requests(key_kind="secret")) == 2  # create-and-confirm, then re-confirm


def test_3ds_cannot_be_jammed_by_confirms_during_the_challenge(page, shop, browser, orders,
                                                               stripe_client):
    """Issue 11 point 3: while the customer is in the challenge, someone who knows the order's
    public id confirms it from their own session, and the customer's own page confirms early
    (a double post); once the customer completes 3-D Secure the order is still charged."""
    open_product(page, shop, "organic-tee")
    pay(page, "4000002760003184")
    stripe_frames.three_ds_modal(page).first.wait_for()
    [order] = orders()
    confirm_url = f"{shop.url}/orders/{order.public_id}/confirm"

    attacker = browser.new_context()
    try:
        attack_page = attacker.new_page()
        open_product(attack_page, shop, "organic-tee")
        token = attack_page.locator("input[name=csrf_token]").first.input_value()
        refused = attacker.request.post(confirm_url, form={"csrf_token": token})
        assert refused.status == 403
        assert refused.json()["message"] == "This payment belongs to another browser. Reload the page to start again."
    finally:
        attacker.close()
    token = page.locator("input[name=csrf_token]").first.input_value()
    early = page.context.request.post(confirm_url, form={"csrf_token": token})
    assert early.status == 200 and early.json()["next"] == "authenticate"

    stripe_frames.complete_3ds(page)
    page.wait_for_url(receipt_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Your payment went through.")
    [order] = orders()
    assert order.status == "paid"
    assert stripe_client.payment_intents.retrieve(order.payment_intent_id).status == "succeeded"


def order_transitions(app, order):
    with app.app_context():
        query = db.select(OrderTransition.to_status).filter_by(order_id=order.id)
        return db.session.scalars(query.order_by(OrderTransition.id)).all()


def test_3ds_failed_then_paid_with_another_card_on_the_same_order(page, shop, app, orders, stripe_client):
    open_product(page, shop, "organic-tee")
    pay(page, "4000002760003184")
    stripe_frames.fail_3ds(page)
    expect(message(page)).to_contain_text("couldn't verify the payment with your bank")
    [order] = orders()
    assert order.status == "failed"

    for frame in (stripe_frames.card_number_input(page), stripe_frames.card_cvc_input(page),
                  stripe_frames.card_expiry_input(page)):
        frame.click()
        frame.press("ControlOrMeta+a")
        frame.press("Backspace")
    pay(page, "4242424242424242")
    page.wait_for_url(receipt_url())
    [order] = orders()  # still one order: the new card went onto it
    assert order.status == "paid"
    with app.app_context():
        outcomes = db.session.scalars(db.select(PaymentAttempt.outcome).filter_by(order_id=order.id))
        assert outcomes.all() == ["declined", "succeeded"]
    intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
    assert intent.status == "succeeded" and intent.amount == order.total


@pytest.mark.both_api_versions
def test_insufficient_funds_is_explained(page, shop, orders):
    open_product(page, shop, "city-lights-poster")
    pay(page, "4000000000009995")
    expect(message(page)).to_have_text("Your card has insufficient funds. Try another card.")
    expect(page.locator("[data-pay-button]")).to_be_enabled()  # free to try another card
    [order] = orders()
    assert order.status == "failed"


def test_jpy_is_charged_in_yen_not_hundredths(page, shop, orders, stripe_client):
    open_product(page, shop, "ceramic-mug")
    expect(total(page)).to_have_text("¥2,800")
    fill_address(page, "US")
    expect(total(page)).to_have_text("¥3,850")  # ¥900 + ¥150 to ship it to the US
    pay(page, "4242424242424242")
    page.wait_for_url(receipt_url())
    [order] = orders()
    intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
    assert (intent.amount, intent.currency) == (3850, "jpy")


def test_a_tampered_total_is_never_charged(page, shop, orders, stripe_requests):
    open_product(page, shop, "city-lights-poster")
    fill_address(page, "US")
    page.eval_on_selector("input[name=expected_total]", "input => input.value = '100'")
    pay(page, "4242424242424242")
    expect(page.locator("#price .notice")).to_contain_text("The price has changed to $24.00")
    expect(message(page)).to_contain_text("The price has changed")
    assert orders() == []
    assert stripe_requests(key_kind="secret") == []
    # The fresh partial carries the real total again, so paying now charges what is shown.
    page.locator("[data-pay-button]").click()
    page.wait_for_url(receipt_url())
    [order] = orders()
    assert order.total == 2400


def test_an_order_being_paid_elsewhere_is_a_message_not_a_new_price(page, shop, orders):
    # The shop's JSON 409: the order's lease is held by another request (another window, or one
    # cut off when its instance died, until the lease runs out: tests/topology/test_faults.py).
    busy = {"order": "x", "next": "retry", "message": "This order is already being paid in "
            "another window. Wait a moment, then reload the page."}
    paying = re.compile(r"/p/city-lights-poster/pay$")
    page.route(paying, lambda route: route.fulfill(status=409, json=busy))
    open_product(page, shop, "city-lights-poster")
    fill_address(page, "US")
    price = page.locator("#price").inner_html()
    pay(page, "4242424242424242")
    expect(message(page)).to_contain_text("already being paid in another window")
    assert page.locator("#price").inner_html() == price
    page.unroute(paying)
    button = page.locator("[data-pay-button]")
    expect(button).to_be_enabled()
    button.click()
    page.wait_for_url(receipt_url())
    assert [order.status for order in orders()] == ["paid"]


def test_card_fields_explain_themselves_and_gate_the_pay_button(page, shop):
    open_product(page, shop, "city-lights-poster")
    fill_address(page, "US")
    page.fill("#email", "ada@example.com")
    button = page.locator("[data-pay-button]")
    number = stripe_frames.card_number_input(page)

    stripe_frames.type_into(number, "4242424242424241")
    expect(page.locator("#card-number-error")).to_have_text("Your card number is invalid.")
    number.press("ControlOrMeta+a")
    number.press("Backspace")
    stripe_frames.type_into(number, "378282246310005")
    expect(page.locator("#card-number-error")).to_have_text("")
    expect(page.locator("[data-card-brand]")).to_have_text("American Express")

    expiry = stripe_frames.card_expiry_input(page)
    expiry.click()
    stripe_frames.card_cvc_input(page).click()  # leaves the expiry empty
    expect(page.locator("#card-expiry-error")).to_have_text("Enter the expiry date.")
    stripe_frames.type_into(expiry, "1234")
    stripe_frames.type_into(stripe_frames.card_cvc_input(page), "123")
    expect(button).to_be_disabled()  # an Amex CVC has four digits
    stripe_frames.card_cvc_input(page).press("4")
    expect(button).to_be_enabled()
    page.fill("#email", "not an email")
    expect(button).to_be_disabled()
