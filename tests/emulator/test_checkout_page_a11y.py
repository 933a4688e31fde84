"""The local Stripe's Checkout page passes axe's WCAG 2.x A/AA checks in each of its states,
wide and on a phone. (A module of its own: axe is injected, so the page's CSP is bypassed here.)"""
import pytest
from playwright.sync_api import expect

from tests import stripe_pages as sp
from tests.a11y import axe_violations
from tests.emulator.stripejs_page.fixtures import emulator, stripe_client  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


def hosted_session(stripe_client):  # noqa: F811
    return stripe_client.v1.checkout.sessions.create({
        "mode": "payment", "success_url": "http://127.0.0.1:9/paid",
        "cancel_url": "http://127.0.0.1:9/product",
        "line_items": [{"price_data": {"currency": "jpy", "unit_amount": 1500,
                                       "product_data": {"name": "Fountain pen",
                                                        "description": "Fine nib"}},
                        "quantity": 2}]})


@pytest.mark.parametrize("width", [1280, 390])
def test_open_expired_and_paid_pages_pass_axe(page, stripe_client, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    open_session, expired_session = hosted_session(stripe_client), hosted_session(stripe_client)

    page.goto(open_session.url)
    expect(sp.total(page)).to_have_text("¥3,000")
    expect(sp.pay_button(page)).to_be_enabled()
    assert axe_violations(page) == [], "open"

    stripe_client.v1.checkout.sessions.expire(expired_session.id)
    page.goto(expired_session.url)
    expect(page.get_by_role("heading", name=sp.EXPIRED_HEADING)).to_be_visible()
    assert axe_violations(page) == [], "expired"

    page.goto(open_session.url)
    sp.fill_checkout(page, "4242424242424242")
    page.route("http://127.0.0.1:9/**", lambda route: route.fulfill(body="paid"))
    sp.pay_button(page).click()
    expect(page).to_have_url("http://127.0.0.1:9/paid")
    page.goto(open_session.url)
    expect(page.get_by_role("heading", name="Payment complete")).to_be_visible()
    assert axe_violations(page) == [], "paid"


def test_the_bank_account_choice_passes_axe(page, stripe_client):  # noqa: F811
    session = stripe_client.v1.checkout.sessions.create({
        "mode": "payment", "success_url": "http://127.0.0.1:9/paid",
        "allowed_payment_method_types": ["card", "us_bank_account"],
        "line_items": [{"price_data": {"currency": "usd", "unit_amount": 4000,
                                       "product_data": {"name": "Desk lamp"}}, "quantity": 1}]})
    page.goto(session.url)
    expect(sp.pay_button(page)).to_be_enabled()
    sp.choose_payment_method(page, "US bank account")
    expect(page.get_by_label("Account holder's full name")).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_shipping_address_and_options_pass_axe_and_fit(page, stripe_client, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    session = stripe_client.v1.checkout.sessions.create({
        "mode": "payment", "success_url": "http://127.0.0.1:9/paid",
        "shipping_address_collection": {"allowed_countries": ["CA", "US"]},
        "shipping_options": [{"shipping_rate_data": {
            "type": "fixed_amount", "display_name": "Standard shipping, North America",
            "fixed_amount": {"amount": 1400, "currency": "usd"},
            "delivery_estimate": {"minimum": {"unit": "business_day", "value": 5},
                                  "maximum": {"unit": "business_day", "value": 8}}}}],
        "line_items": [{"price_data": {"currency": "usd", "unit_amount": 1800,
                                       "product_data": {"name": "Poster"}}, "quantity": 1}]})
    page.goto(session.url)
    expect(sp.total(page)).to_have_text("$32.00")
    expect(page.get_by_role("group", name="Shipping method")).to_contain_text("5–8 business days")
    sp.fill_shipping(page)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
