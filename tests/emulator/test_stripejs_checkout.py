"""Stripe Checkout on the local Stripe, in a real browser: the hosted page at a session's url
and embedded Checkout mounted by Stripe.js in a shop's page under a strict CSP."""
import re

import pytest
from playwright.sync_api import expect

from tests import stripe_frames as sf
from tests import stripe_pages as sp
from tests.emulator.checkout_host import create_host_app
from tests.emulator.stripejs_page.fixtures import emulator, problems, stripe_client  # noqa: F401
from tests.servers import LiveServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(emulator):  # noqa: F811
    with LiveServer(create_host_app(emulator.url)) as server:
        yield server


def page_errors(problems):  # noqa: F811
    """The problems seen, less the browser's own note of an HTTP error answer (a decline is a
    402, an expired session a 400: the page shows those)."""
    return [problem for problem in problems if not re.match(
        r"console.error: Failed to load resource: the server responded with a status of 40[02]",
        problem)]


@pytest.fixture
def checkout(page, shop, problems):  # noqa: F811
    """From the shop's product page to the hosted Checkout page; fails the test on console
    errors or CSP violations."""
    page.goto(shop.url + "/product")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(r"/c/pay/cs_test_"))
    yield page
    assert page_errors(problems) == []


@pytest.fixture
def embedded(page, shop, problems):  # noqa: F811
    """The shop's page with embedded Checkout mounted; checks CSP and console afterwards."""
    def open_page(option="fetchClientSecret", redirect="always"):
        page.goto(f"{shop.url}/embedded?option={option}&redirect={redirect}")
        assert page.evaluate("() => window.started") == "mounted"
        return sp.embedded_checkout(page)
    yield open_page
    assert page.evaluate("() => window.cspViolations || []") == []
    assert page_errors(problems) == []


def session_id(page):
    return page.url.rsplit("/", 1)[1]


def test_hosted_page_shows_the_order_and_pays_with_4242(checkout, shop, stripe_client):
    page = checkout
    cs_id = session_id(page)
    expect(sp.total(page)).to_have_text("€29.50")
    assert sp.line_items(page) == [("Notebook", "Qty 2", "€25.00"),
                                   ("Shipping", "Qty 1", "€4.50")]
    expect(page.get_by_text("A5, dotted")).to_be_visible()
    sp.pay(page, "4242424242424242")
    expect(page).to_have_url(f"{shop.url}/paid?session_id={cs_id}")
    expect(page.get_by_role("heading")).to_have_text("Order status: paid")

    session = stripe_client.v1.checkout.sessions.retrieve(cs_id, {"expand": ["payment_intent"]})
    assert (session.status, session.payment_status) == ("complete", "paid")
    assert session.customer_details.email == "jenny@example.com"
    assert session.payment_intent.metadata.to_dict() == {"order_id": "7"}
    assert session.payment_intent.amount == 2950


def test_hosted_page_with_3d_secure(checkout, shop, stripe_client):
    page = checkout
    cs_id = session_id(page)
    sp.pay(page, "4000002760003184")
    sp.answer_3ds(page, "Complete")
    expect(page).to_have_url(f"{shop.url}/paid?session_id={cs_id}")
    assert stripe_client.v1.checkout.sessions.retrieve(cs_id).payment_status == "paid"


def test_failed_3d_secure_and_a_decline_are_shown_and_another_card_pays(checkout, shop,
                                                                       stripe_client):
    page = checkout
    cs_id = session_id(page)
    sp.pay(page, "4000002760003184")
    sp.answer_3ds(page, "Fail")
    expect(sp.payment_error(page)).to_contain_text("failed authentication")
    assert stripe_client.v1.checkout.sessions.retrieve(cs_id).status == "open"

    page.reload()
    sp.pay(page, "4000000000000002")
    expect(sp.payment_error(page)).to_have_text("Your card was declined.")
    expect(sp.pay_button(page)).to_be_enabled()
    assert stripe_client.v1.checkout.sessions.retrieve(cs_id).status == "open"

    page.reload()
    sp.pay(page, "5555555555554444")
    expect(page).to_have_url(f"{shop.url}/paid?session_id={cs_id}")


def test_incomplete_card_is_refused_on_the_page(checkout, stripe_client):
    page = checkout
    sp.fill_checkout(page, "4242424242424242", exp="", cvc="")
    sp.pay_button(page).click()
    expect(sp.payment_error(page)).to_have_text("Your card's expiration date is incomplete.")
    assert stripe_client.v1.checkout.sessions.retrieve(session_id(page)).payment_intent is None


def test_back_goes_to_the_cancel_url_and_leaves_the_session_open(checkout, shop, stripe_client):
    page = checkout
    cs_id = session_id(page)
    sp.back_link(page).click()
    expect(page).to_have_url(f"{shop.url}/product")
    assert stripe_client.v1.checkout.sessions.retrieve(cs_id).status == "open"


def test_an_expired_sessions_page_says_so(checkout, stripe_client):
    page = checkout
    stripe_client.v1.checkout.sessions.expire(session_id(page))
    page.reload()
    expect(page.get_by_role("heading", name=sp.EXPIRED_HEADING)).to_be_visible()
    expect(sp.pay_button(page)).to_have_count(0)


def test_paying_after_the_session_expired_under_the_page_is_refused(checkout, stripe_client):
    page = checkout
    sp.fill_checkout(page, "4242424242424242")
    stripe_client.v1.checkout.sessions.expire(session_id(page))
    sp.pay_button(page).click()
    expect(page.get_by_role("heading", name=sp.EXPIRED_HEADING)).to_be_visible()
    assert stripe_client.v1.checkout.sessions.retrieve(session_id(page)).payment_intent is None


def test_hosted_page_refuses_to_be_framed(page, emulator, stripe_client):  # noqa: F811
    session = stripe_client.v1.checkout.sessions.create({
        "mode": "payment", "success_url": "http://127.0.0.1/ok",
        "line_items": [{"price_data": {"currency": "usd", "unit_amount": 500,
                                       "product_data": {"name": "Pen"}}, "quantity": 1}]})
    response = page.request.get(session.url)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("option", ["fetchClientSecret", "clientSecret"])
def test_embedded_checkout_pays_and_the_shop_page_goes_to_the_return_url(
        embedded, option, page, shop, stripe_client):
    frame = embedded(option)
    expect(sp.total(frame)).to_have_text("€29.50")
    sp.pay(frame, "4242424242424242")
    expect(page).to_have_url(re.compile(re.escape(f"{shop.url}/paid?session_id=cs_test_")))
    cs_id = page.url.rsplit("=", 1)[1]
    expect(page.get_by_role("heading")).to_have_text("Order status: paid")
    assert stripe_client.v1.checkout.sessions.retrieve(cs_id).status == "complete"


@pytest.mark.parametrize("redirect", ["if_required", "never"])
def test_embedded_checkout_without_redirect_calls_on_complete(embedded, redirect, page, shop):
    frame = embedded(redirect=redirect)
    sp.pay(frame, "4242424242424242")
    page.wait_for_function("() => window.completed === 1", timeout=15_000)
    expect(frame.get_by_role("heading", name="Payment complete")).to_be_visible()
    assert page.url.startswith(f"{shop.url}/embedded")


def test_embedded_checkout_with_3d_secure(embedded, page, shop):
    frame = embedded()
    sp.pay(frame, "4000002500003155")
    sp.answer_3ds(frame, "Complete")
    expect(page).to_have_url(re.compile(re.escape(f"{shop.url}/paid?session_id=cs_test_")))


def test_embedded_checkout_mount_unmount_destroy_and_one_at_a_time(embedded, page):
    embedded()
    frames = page.locator(f'iframe[title="{sp.EMBEDDED_TITLE}"]')
    expect(frames).to_have_count(1)
    src = frames.first.get_attribute("src")
    assert "/c/pay/cs_test_" in src and "client_secret=cs_test_" in src
    assert page.evaluate("() => window.start()") == (
        "IntegrationError: You cannot have multiple Embedded Checkout objects. "
        "Call destroy() on the existing one first.")
    page.evaluate("() => window.checkout.unmount()")
    expect(frames).to_have_count(0)
    page.evaluate("() => window.checkout.mount(document.getElementById('checkout'))")
    expect(frames).to_have_count(1)
    page.evaluate("() => window.checkout.destroy()")
    expect(frames).to_have_count(0)
    assert "destroyed" in page.evaluate(
        "() => { try { window.checkout.mount('#checkout'); } catch (e) { return e.message; } }")
    assert page.evaluate("() => window.start()") == "mounted"
    expect(frames).to_have_count(1)
    expect(sp.total(sp.embedded_checkout(page))).to_have_text("€29.50")


def bank_session(stripe_client, shop, **params):  # noqa: F811
    return stripe_client.v1.checkout.sessions.create({
        "mode": "payment", "allowed_payment_method_types": ["card", "us_bank_account"],
        "success_url": f"{shop.url}/paid?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{shop.url}/product",
        "line_items": [{"price_data": {"currency": "usd", "unit_amount": 4000,
                                       "product_data": {"name": "Desk lamp"}}, "quantity": 1}],
        **params})


def test_paying_by_bank_account_completes_unpaid_then_settles(  # noqa: F811
        page, shop, emulator, stripe_client, problems):  # noqa: F811
    session = bank_session(stripe_client, shop)
    page.goto(session.url)
    sp.pay_by_bank(page)
    sf.link_test_bank(page, "Success")
    expect(page).to_have_url(f"{shop.url}/paid?session_id={session.id}")
    expect(page.get_by_role("heading")).to_have_text("Order status: unpaid")
    page.request.post(f"{emulator.url}/_emulator/clock/advance", data={"days": 6})
    page.reload()
    expect(page.get_by_role("heading")).to_have_text("Order status: paid")
    assert page_errors(problems) == []


def test_closing_the_bank_dialog_keeps_the_session_open(page, shop, stripe_client,  # noqa: F811
                                                       problems):  # noqa: F811
    session = bank_session(stripe_client, shop, customer_email="ada@example.com")
    page.goto(session.url)
    sp.pay_by_bank(page, email=None)
    sf.close_bank_dialog(page)
    expect(sp.payment_error(page)).to_have_text(
        "No bank account was linked. Press Pay to try again.")
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"
    sp.choose_payment_method(page, "Card")
    sp.pay(page, "4242424242424242", email=None)
    expect(page).to_have_url(f"{shop.url}/paid?session_id={session.id}")
    assert page_errors(problems) == []
