"""Paying on Stripe's Checkout page (CHECKOUT_MODE hosted and embedded) in a real browser
against the local Stripe: the page lists the shop's lines and total, 3-D Secure, cancelling,
the return page, expiry, and webhooks that race the browser."""
import re
import time
from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect

from storefront.models import Order, StripeEvent
from storefront.payments.reconcile import reconcile
from storefront.web.extensions import db
from tests import stripe_pages
from tests.e2e.checkout_page import choose_country, receipt_url, total, wait_for_price
from tests.waiting import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("fresh_local_stripe")]

SLUG = "city-lights-poster"
HOSTED = pytest.mark.parametrize("app_config", [{"CHECKOUT_MODE": "hosted"}])
EMBEDDED = pytest.mark.parametrize("app_config", [{"CHECKOUT_MODE": "embedded"}])
THREE_DS_CARD = "4000002760003184"


@pytest.fixture
def emulator(local_stripe):
    """The local Stripe's control API; forgets everything after the test (the clock too)."""
    def control(method, path, **body):
        response = requests.request(method, f"{local_stripe.url}/_emulator{path}", json=body)
        response.raise_for_status()
        return response.json()

    yield control
    control("POST", "/reset")


def choose_and_continue(page, shop, email="ada@example.com"):
    """Ten A1 posters in a gift tube (a volume discount, an option, an add-on); returns the total
    the shop showed. Presses Continue to payment."""
    page.goto(f"{shop.url}/p/{SLUG}")
    wait_for_price(page, lambda: page.get_by_label("A1").check())
    wait_for_price(page, lambda: page.fill("#quantity", "10"))
    wait_for_price(page, lambda: page.get_by_label("Gift tube with ribbon").check())
    choose_country(page, "US")  # free shipping over $75: Stripe's page charges $0.00 for it
    shown = total(page).inner_text()
    page.fill("#email", email)
    page.get_by_role("button", name="Continue to payment").click()
    return shown


def only_order(app):
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        db.session.expunge(order)
        return order


@pytest.mark.both_api_versions
@HOSTED
def test_hosted_checkout_shows_the_shops_lines_and_total_and_pays(page, shop, app, outbox,
                                                                  console_errors):
    shown = choose_and_continue(page, shop)
    expect(page).to_have_url(re.compile(r"/c/pay/cs_test_"))
    # Stripe's page: the same total, and the volume price folded into the posters' line.
    expect(stripe_pages.total(page)).to_have_text(shown)
    assert shown == "$223.50"
    assert stripe_pages.line_items(page) == [
        ("City Lights poster (A1), volume price for 10 or more", "Qty 10", "$220.00"),
        ("Gift tube with ribbon", "Qty 1", "$3.50"),
    ]
    stripe_pages.pay(page, "4242424242424242", email=None)
    expect(page).to_have_url(receipt_url())
    expect(page.get_by_role("heading", name="Thank you! Your payment went through.")).to_be_visible()

    order = only_order(app)
    assert (order.status, order.checkout_mode, order.total) == ("paid", "hosted", 22350)
    assert order.checkout_session_id.startswith("cs_test_")
    assert order.payment_intent_id.startswith("pi_")
    wait_for(lambda: len(outbox) == 1, "the receipt email")
    assert console_errors == []


@HOSTED
def test_hosted_checkout_with_3d_secure(page, shop, app, outbox):
    choose_and_continue(page, shop)
    stripe_pages.pay(page, THREE_DS_CARD, email=None)
    stripe_pages.answer_3ds(page, "Complete")
    expect(page).to_have_url(receipt_url())
    assert only_order(app).status == "paid"
    wait_for(lambda: len(outbox) == 1, "the receipt email")


@HOSTED
def test_hosted_checkout_cancelled_comes_back_with_the_selection_kept(page, shop, app):
    choose_and_continue(page, shop)
    stripe_pages.back_link(page).click()
    expect(page).to_have_url(re.compile(r"/checkout/cancelled$"))
    expect(page.locator("[data-checkout-notice]")).to_contain_text("nothing was charged")
    expect(page.get_by_label("A1")).to_be_checked()
    expect(page.locator("#quantity")).to_have_value("10")
    expect(page.get_by_label("Gift tube with ribbon")).to_be_checked()
    expect(page.locator("#email")).to_have_value("ada@example.com")
    expect(total(page)).to_have_text("$223.50")
    assert only_order(app).status == "pending"

    # Continuing again pays the same order on the same page.
    first_session = only_order(app).checkout_session_id
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(rf"/c/pay/{first_session}"))
    stripe_pages.pay(page, "4242424242424242", email=None)
    expect(page).to_have_url(receipt_url())
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Order)) == 1


@pytest.mark.both_api_versions
@EMBEDDED
# The legacy Stripe.js and a release's, where initEmbeddedCheckout throws: the page calls
# createEmbeddedCheckoutPage where Stripe.js has it (static/js/embedded_checkout.js).
@pytest.mark.parametrize("stripe_settings", ["v3/", "dahlia/stripe.js"], ids=["v3", "dahlia"],
                         indirect=True)
def test_embedded_checkout_returns_to_the_receipt(page, shop, app, outbox, console_errors):
    shown = choose_and_continue(page, shop)
    expect(page.get_by_role("heading", name="Pay for City Lights poster")).to_be_visible()
    checkout = stripe_pages.embedded_checkout(page)
    expect(stripe_pages.total(checkout)).to_have_text(shown)
    stripe_pages.pay(checkout, "4242424242424242", email=None)
    expect(page).to_have_url(receipt_url())
    order = only_order(app)
    assert (order.status, order.checkout_mode) == ("paid", "embedded")
    wait_for(lambda: len(outbox) == 1, "the receipt email")
    assert console_errors == []


@HOSTED
def test_a_page_left_to_expire_cancels_the_order_at_reconcile(emulator, page, shop, app):
    emulator("POST", "/events/hold")  # Stripe's expired event comes late: reconcile finds it
    choose_and_continue(page, shop)
    expect(page).to_have_url(re.compile(r"/c/pay/"))
    emulator("POST", "/clock/advance", seconds=(app.config["CHECKOUT_SESSION_MINUTES"] + 1) * 60)
    page.reload()
    expect(page.get_by_role("heading", name=stripe_pages.EXPIRED_HEADING)).to_be_visible()

    with app.app_context():
        assert reconcile(timedelta(0), timedelta(days=1)) == {"now canceled": 1}
    order = only_order(app)
    assert order.status == "canceled"
    with app.app_context():
        last = db.session.get(Order, order.id).transitions[-1]
        assert (last.source, last.note) == ("reconcile", "The payment page expired before the order was paid.")
    # The late event changes nothing; the return link says the order was not paid.
    emulator("POST", "/events/release")
    page.goto(f"{shop.url}/orders/{order.public_id}/checkout/return?session_id={order.checkout_session_id}")
    expect(page.get_by_role("heading", name="This order was not paid")).to_be_visible()
    assert only_order(app).status == "canceled"


@HOSTED
def test_completed_twice_and_before_the_browser_returns_fulfils_once(emulator, page, shop, app,
                                                                      outbox, stripe_client):
    emulator("POST", "/events/hold")
    choose_and_continue(page, shop)
    completed = []

    def webhooks_first(route):
        """Stripe's event reaches the shop twice before the customer's browser is back."""
        [event] = stripe_client.events.list({"type": "checkout.session.completed"}).data
        completed.append(event.id)
        emulator("POST", "/events/release")
        emulator("POST", f"/events/{event.id}/deliver")
        wait_for(lambda: len([d for d in emulator("GET", f"/deliveries?event_id={event.id}")
                                if d.get("status") == 200]) >= 2, "two deliveries")
        route.continue_()

    page.route(re.compile(r"/checkout/return\?"), webhooks_first)
    stripe_pages.pay(page, "4242424242424242", email=None)
    expect(page).to_have_url(receipt_url())
    expect(page.get_by_role("heading", name="Thank you! Your payment went through.")).to_be_visible()

    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert order.status == "paid"
        paid = [t for t in order.transitions if t.to_status == "paid"]
        assert [t.source for t in paid] == ["webhook"]
        assert db.session.get(StripeEvent, completed[0]).order_id == order.id
    wait_for(lambda: len(outbox) >= 1, "the receipt email")
    time.sleep(0.5)  # a second receipt would have been sent by now
    assert len(outbox) == 1


@HOSTED
def test_hosted_checkout_needs_no_javascript_on_the_shops_side(browser, shop, app):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{shop.url}/p/{SLUG}")
    page.get_by_label("A1").check()
    page.select_option("#ship_country", "US")
    page.get_by_role("button", name="Update price").first.click()  # the no-JavaScript re-pricing
    expect(total(page)).to_have_text("$32.00")  # $26.00 and $6.00 to ship it
    page.fill("#email", "ada@example.com")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(r"/c/pay/cs_test_"))
    assert only_order(app).total == 3200
    context.close()


def test_without_javascript_the_card_panel_pays_on_stripes_hosted_page(browser, shop, app, orders):
    """The default mode (the shop's card fields) with JavaScript off: the pay panel's <noscript>
    button takes the same selection, priced by the server, to Stripe's hosted page."""
    shop_side = browser.new_context(java_script_enabled=False)
    page = shop_side.new_page()
    page.goto(f"{shop.url}/p/{SLUG}")
    expect(page.locator("[data-stripe-element] iframe")).to_have_count(0)  # no card fields
    page.get_by_label("A1").check()
    page.fill("#quantity", "2")
    page.get_by_role("button", name="Update price").click()  # the no-JavaScript re-pricing
    expect(total(page)).to_have_text("$52.00")
    page.fill("#email", "ada@example.com")
    page.get_by_role("button", name="Pay on Stripe's page").click()
    expect(page).to_have_url(re.compile(r"/c/pay/cs_test_"))
    assert [(o.total, o.checkout_mode, o.status) for o in orders()] == [(5200, "hosted", "pending")]

    # Stripe's page runs Stripe's own script (as in a browser that allows it there only).
    stripe_side = browser.new_context()
    stripe_page = stripe_side.new_page()
    stripe_page.goto(page.url)
    expect(stripe_pages.total(stripe_page)).to_have_text("$52.00")
    stripe_pages.pay(stripe_page, "4242424242424242", email=None)
    stripe_page.wait_for_url(receipt_url())
    # The receipt, server-rendered, reads as well without JavaScript.
    page.goto(stripe_page.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Your payment went through.")
    assert [o.status for o in orders()] == ["paid"]
    shop_side.close()
    stripe_side.close()
