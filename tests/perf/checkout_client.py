"""The checkout page as a program uses it: the tokens a page carries, the price partial as htmx
asks for it, and a card as Stripe.js would make it.

Used by the perf tests and by `make bench`.
"""
import re
from urllib.parse import urlencode

import stripe

QUOTE_HEADERS = {"HX-Request": "true"}  # what htmx sends; the answer is the price partial


def quote_url(slug, selection):
    """The price partial's URL for `selection` ({field: value or [values]}), as htmx makes it."""
    return f"/p/{slug}?{urlencode(selection, doseq=True)}" if selection else f"/p/{slug}"


def page_tokens(html):
    """The CSRF and checkout tokens a rendered product page carries."""
    return {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
            for name in ("csrf_token", "checkout_token")}


def card_payment_method(stripe_url, publishable_key, number="4242424242424242"):
    """A PaymentMethod id, made as Stripe.js makes it: with the publishable key."""
    client = stripe.StripeClient(publishable_key, base_addresses={"api": stripe_url})
    card = {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    return client.v1.payment_methods.create({"type": "card", "card": card}).id
