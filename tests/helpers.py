"""Driving the shop's checkout without a browser: the page's hidden fields, then the pay POST."""
import hashlib
import hmac
import json
import os
import re
import time

import pytest
import requests

from config import Config

from tests.waiting import wait_for

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def hidden_fields(html):
    return dict(HIDDEN.findall(html))


# Where a test's parcel goes unless it says otherwise: the demo's domestic zone.
US_ADDRESS = {"ship_name": "Ada Lovelace", "ship_line1": "1 Main Street",
              "ship_city": "Springfield", "ship_state": "IL", "ship_postal_code": "62701",
              "ship_country": "US"}


# What Stripe's Checkout page sends with its Pay when the session collects an address.
STRIPE_PAGE_SHIPPING = {
    "shipping_details[name]": "Ada Lovelace", "shipping_details[address][line1]": "1 Main Street",
    "shipping_details[address][city]": "Springfield", "shipping_details[address][state]": "IL",
    "shipping_details[address][postal_code]": "62701", "shipping_details[address][country]": "US"}


def open_checkout(client, slug, address=None, method=None):
    """The checkout page's hidden fields (csrf_token, checkout_token, expected_total), priced
    for paying by `method` (a bank account may be discounted); for a product that ships, with a
    shipping address (US_ADDRESS unless given) and the total the page shows for it."""
    chosen = {"method": method} if method else {}
    response = client.get(f"/p/{slug}", query_string=chosen or None)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if 'name="ship_country"' not in html:
        return hidden_fields(html)
    address = US_ADDRESS if address is None else address
    response = client.get(f"/p/{slug}",
                          query_string={"ship_country": address["ship_country"], **chosen})
    return {**hidden_fields(response.get_data(as_text=True)), **address}


# Stripe refuses raw card numbers from a server; its test mode has a PaymentMethod for each.
STRIPE_TEST_PAYMENT_METHODS = {
    "4242424242424242": "pm_card_visa",
    "4000000000000002": "pm_card_visa_chargeDeclined",
    "4000000000009995": "pm_card_visa_chargeDeclinedInsufficientFunds",
    "4000002500003155": "pm_card_authenticationRequired",
    "4000000000005126": "pm_card_refundFail",
    "4000000000007726": "pm_card_pendingRefund",
}


def bag_form(html, client=None, address=None):
    """The bag page's form as a browser would send it: hidden, typed and checked values. With a
    `client`, a bag that ships gets a shipping address (US_ADDRESS unless given) and the total
    the page shows for it (the bag re-priced as the page's form would post it)."""
    fields = _form_values(html)
    if client is not None and 'name="ship_country"' in html:
        address = US_ADDRESS if address is None else address
        response = client.post("/bag", data=fields | address)
        assert response.status_code == 200
        fields = _form_values(response.get_data(as_text=True)) | address
    return fields


def _form_values(html):
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", html, re.S):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if "name" not in attrs or (attrs.get("type") in ("radio", "checkbox")
                                   and not re.search(r"\schecked\b", tag)):
            continue
        fields[attrs["name"]] = attrs.get("value", "")
    return fields


def card(stripe_client, number="4242424242424242"):
    """A PaymentMethod, as Stripe.js would create it in the browser."""
    if os.environ.get("TEST_AGAINST_STRIPE") == "1":
        if number not in STRIPE_TEST_PAYMENT_METHODS:
            pytest.skip(f"no Stripe test PaymentMethod known for {number}")
        return STRIPE_TEST_PAYMENT_METHODS[number]
    return stripe_client.payment_methods.create({
        "type": "card",
        "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
    }).id


def pay(client, slug, page, payment_method, email="ada@example.com", **overrides):
    data = {**page, "payment_method": payment_method, "email": email, **overrides}
    return client.post(f"/p/{slug}/pay", data=data)


class Browser:
    """A customer's browser against the live shop: a cookie jar and the page's fields."""

    def __init__(self, shop_url, slug, method=None):
        self.session = requests.Session()
        self.url = shop_url
        self.slug = slug
        chosen = {"method": method} if method else {}
        html = self.session.get(f"{shop_url}/p/{slug}", params=chosen or None).text
        if 'name="ship_country"' in html:
            html = self.session.get(f"{shop_url}/p/{slug}", params={"ship_country": "US", **chosen}).text
            self.page = {**hidden_fields(html), **US_ADDRESS}
        else:
            self.page = hidden_fields(html)

    def pay(self, payment_method, email="ada@example.com"):
        data = {**self.page, "payment_method": payment_method, "email": email}
        return self.session.post(f"{self.url}/p/{self.slug}/pay", data=data,
                                 headers={"Accept": "application/json"})


def signed(payload, secret, timestamp=None):
    """A Stripe-Signature header for `payload` (bytes), as Stripe makes it."""
    timestamp = int(timestamp or time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={signature.hexdigest()}"


def event(event_type, obj, event_id="evt_test_1", api_version=Config.STRIPE_API_VERSION):
    """An event as Stripe sends it, by default in the API version the shop speaks."""
    return json.dumps({
        "id": event_id, "object": "event", "type": event_type, "api_version": api_version,
        "created": int(time.time()), "livemode": False, "data": {"object": obj},
    }).encode()


def deliver_held_events_reversed_and_twice(local_stripe_url, shop_url):
    """Release the events the local Stripe held (after `…/_emulator/events/hold`), newest first,
    deliver each once more, and wait until the shop has taken each twice; their ids."""
    control = f"{local_stripe_url}/_emulator"
    released = requests.post(f"{control}/events/release", json={"order": "reverse"}).json()["released"]
    # The events some endpoint is subscribed to (the shop's: the events it handles).
    released = [event_id for event_id in released
                if requests.post(f"{control}/events/{event_id}/deliver").json()["deliveries"]]

    def delivered_twice():
        log = requests.get(f"{control}/deliveries").json()
        ok = [d["event_id"] for d in log if d["url"].startswith(shop_url) and d["status"] == 200]
        return all(ok.count(event_id) >= 2 for event_id in released)

    wait_for(delivered_twice, "the webhooks were not all delivered twice")
    return released
