"""Stripe.js by release: `/v3/` (the legacy train, every old name) and `/<release>/stripe.js`
(machinery/versions.py's RELEASES); from dahlia on the methods Stripe's changelog removed throw
an IntegrationError naming what to use, and embedded Checkout is `createEmbeddedCheckoutPage`.
https://docs.stripe.com/changelog/dahlia/2026-03-25/rename-init-embedded-checkout-to-create-embedded-checkout-page
https://docs.stripe.com/changelog/dahlia/2026-03-25/remove-legacy-stripejs-methods"""
import re

import pytest
from playwright.sync_api import expect

from stripe_emulator import create_app
from stripe_emulator.machinery import versions
from tests import stripe_pages as sp
from tests.emulator.checkout_host import create_host_app
from tests.emulator.stripejs_page.fixtures import emulator, problems, stripe_client  # noqa: F401
from tests.servers import LiveServer

# Stripe's changelog: removed in dahlia, and what to use instead.
REMOVED_IN_DAHLIA = {
    "handleCardPayment": "confirmCardPayment",
    "confirmPaymentIntent": "confirmCardPayment",
    "handleFpxPayment": "confirmFpxPayment",
    "handleCardSetup": "confirmCardSetup",
    "confirmSetupIntent": "confirmCardSetup",
    "createSource": "createPaymentMethod",
    "retrieveSource": "PaymentMethods",
}


def test_each_release_in_the_versions_table_is_served_and_others_are_not():
    client = create_app().test_client()
    assert {"clover", "dahlia"} <= set(versions.RELEASES)
    for path in ["/v3/", *(f"/{release}/stripe.js" for release in versions.RELEASES)]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "application/javascript"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "function Stripe(key, options)" in response.get_data(as_text=True)
    assert client.get("/fig/stripe.js").status_code == 404
    assert client.get("/v3/stripe.js").status_code == 404


def test_the_table_says_what_dahlia_changes_and_clover_lacks():
    releases = versions.stripejs_releases()
    assert releases["dahlia"]["renamed"] == {"initEmbeddedCheckout": "createEmbeddedCheckoutPage"}
    assert set(releases["dahlia"]["removed"]) == set(REMOVED_IN_DAHLIA)
    assert releases["dahlia"]["absent"] == []
    assert releases["clover"] == {"version": "2025-09-30.clover", "removed": {}, "renamed": {},
                                  "absent": ["createEmbeddedCheckoutPage"]}
    assert releases["endive"]["removed"] == releases["dahlia"]["removed"]



@pytest.fixture(scope="module")
def shop(emulator):  # noqa: F811
    with LiveServer(create_host_app(emulator.url)) as server:
        yield server


@pytest.fixture
def open_embedded(page, shop, problems):  # noqa: F811
    """The shop's embedded Checkout page on a given Stripe.js; `window.started` says what
    creating embedded Checkout gave. Fails the test on CSP violations or console errors."""
    def open_page(stripejs, method):
        page.goto(f"{shop.url}/embedded?stripejs={stripejs}&method={method}")
        page.wait_for_function("() => window.Stripe")
        return page.evaluate("() => window.started")
    yield open_page
    assert page.evaluate("() => window.cspViolations || []") == []
    assert problems == []


def call(page, method):
    """[error name, message] of calling `stripe.<method>(…)` at once, or its typeof if it is
    not a function."""
    return page.evaluate("""(method) => {
      if (typeof stripe[method] !== 'function') return typeof stripe[method];
      try { stripe[method]('pi_123_secret_456', {}); return 'no error'; }
      catch (e) { return [e.name, e.message, e instanceof Error]; }
    }""", method)


@pytest.mark.e2e
def test_dahlia_pays_with_create_embedded_checkout_page(open_embedded, page, shop,
                                                         stripe_client):  # noqa: F811
    assert open_embedded("dahlia/stripe.js", "createEmbeddedCheckoutPage") == "mounted"
    frame = sp.embedded_checkout(page)
    expect(sp.total(frame)).to_have_text("€29.50")
    sp.pay(frame, "4242424242424242")
    expect(page).to_have_url(re.compile(re.escape(f"{shop.url}/paid?session_id=cs_test_")))
    expect(page.get_by_role("heading")).to_have_text("Order status: paid")


@pytest.mark.e2e
def test_dahlia_init_embedded_checkout_throws_naming_its_new_name(open_embedded, page):
    started = open_embedded("dahlia/stripe.js", "initEmbeddedCheckout")
    assert started.startswith("IntegrationError: ")
    assert "initEmbeddedCheckout" in started and "createEmbeddedCheckoutPage" in started
    expect(page.locator(f'iframe[title="{sp.EMBEDDED_TITLE}"]')).to_have_count(0)


@pytest.mark.e2e
def test_dahlia_removed_methods_throw_naming_the_replacement(open_embedded, page):
    open_embedded("dahlia/stripe.js", "createEmbeddedCheckoutPage")
    for method, instead in REMOVED_IN_DAHLIA.items():
        name, message, is_error = call(page, method)
        assert (name, is_error) == ("IntegrationError", True), method
        assert method in message and "removed" in message and instead in message, message


@pytest.mark.e2e
def test_clover_has_init_embedded_checkout_only(open_embedded, page):
    assert open_embedded("clover/stripe.js", "initEmbeddedCheckout") == "mounted"
    assert call(page, "createEmbeddedCheckoutPage") == "undefined"
    # handleCardSetup is still there: it checks its client secret instead of refusing.
    assert "Invalid value for handleCardSetup" in call(page, "handleCardSetup")[1]


@pytest.mark.e2e
@pytest.mark.parametrize("method", ["initEmbeddedCheckout", "createEmbeddedCheckoutPage"])
def test_v3_keeps_every_name(open_embedded, page, method):
    assert open_embedded("v3/", method) == "mounted"
    assert "Invalid value for handleCardSetup" in call(page, "handleCardSetup")[1]
