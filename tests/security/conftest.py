"""Helpers for the security tests: the tokens a real page hands its forms."""
import re

import pytest


def hidden_fields(html):
    """The hidden inputs of a rendered page, as the browser would post them."""
    return dict(re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"', html))


@pytest.fixture
def page_fields(client):
    """GET a product page with `client` (its session keeps the CSRF token) and return the
    hidden fields its checkout form carries: csrf_token, checkout_token, expected_total; for a
    product that ships, with a US address and the total the page shows for it."""
    from tests.helpers import open_checkout

    def fields(slug="organic-tee"):
        return open_checkout(client, slug)

    return fields


def checkout_with_3ds(page, shop):
    """A customer's whole visit: the shop's front page, a product, a re-price through htmx, a
    card that needs 3-D Secure, the bank's challenge, the receipt."""
    from tests import stripe_frames
    from tests.e2e.checkout_page import open_product, pay, receipt_url, wait_for_price

    page.goto(f"{shop.url}/")
    open_product(page, shop, "organic-tee")
    wait_for_price(page, lambda: page.get_by_label("Black").check())
    pay(page, "4000002760003184")
    stripe_frames.complete_3ds(page)
    page.wait_for_url(receipt_url())
