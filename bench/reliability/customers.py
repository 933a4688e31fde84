"""A customer's checkout page in a browser, driven over HTTP as the page's JavaScript would."""
import requests

from tests.helpers import hidden_fields

SLUG = "city-lights-poster"
GOOD, OTHER_GOOD = "4242424242424242", "5555555555554444"
DECLINED = "4000000000009995"  # insufficient funds
THREE_D_SECURE = "4000002760003184"
TIMEOUT = 60  # seconds; the shop's own waits (Stripe, a busy order) are shorter


class Checkout:
    """One checkout page: its cookies and hidden fields, so every Pay press is for one order."""

    def __init__(self, shop_url, email):
        self.session = requests.Session()
        self.url = f"{shop_url}/p/{SLUG}"
        self.email = email
        self.page = hidden_fields(self.session.get(self.url, timeout=TIMEOUT).text)

    def pay(self, payment_method):
        """Press Pay with a PaymentMethod that Stripe.js made; returns what the customer sees."""
        response = self.session.post(
            f"{self.url}/pay", timeout=TIMEOUT, headers={"Accept": "application/json"},
            data={**self.page, "payment_method": payment_method, "email": self.email})
        return seen(response)


def seen(response):
    """The shop's answer as the customer reads it."""
    if response.headers.get("Content-Type", "").startswith("application/json"):
        step = response.json().get("next")
        if step == "receipt":
            return "receipt"
        if step == "authenticate":
            return "3-D Secure"
    return {402: "declined", 409: "busy", 429: "stopped", 503: "try again"}.get(
        response.status_code, f"HTTP {response.status_code}")
