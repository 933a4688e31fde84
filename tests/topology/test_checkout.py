"""A customer's whole checkout in Chromium through nginx: 3-D Secure, the receipt page, and the
receipt email at the SMTP server (which takes mail only after STARTTLS, from the login the shop
was given)."""
import email
import email.policy
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests import stripe_frames
from tests.e2e.checkout_page import open_product, pay, receipt_url
from tests.topology.database import order_row
from tests.waiting import wait_for

pytestmark = pytest.mark.e2e


def receipts_to(production, address):
    """The messages the SMTP server accepted for `address`."""
    messages = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(production.mail_spool.glob("*.eml"))]
    return [message for message in messages if address in message["To"]]


def test_a_3ds_checkout_through_nginx_is_paid_and_its_receipt_mailed(
        page, production, stripe_client, console_errors):
    customer = "three-ds@example.com"
    open_product(page, SimpleNamespace(url=production.url), "organic-tee")
    pay(page, "4000002760003184", email=customer)
    stripe_frames.complete_3ds(page)
    page.wait_for_url(receipt_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Your payment went through.")
    assert console_errors == []  # a Content-Security-Policy violation would show here

    public_id = page.url.rsplit("/", 1)[1]
    order = order_row(production, public_id)
    assert order["status"] == "paid"
    intents = stripe_client.payment_intents.search(
        {"query": f"metadata['order_public_id']:'{public_id}'"}).data
    assert [(intent.status, intent.amount) for intent in intents] == [("succeeded", order["total"])]

    [receipt] = wait_for(lambda: receipts_to(production, customer), "the receipt email")
    assert receipt["Subject"] == f"Your receipt for order #{order['id']}"
    assert f"{production.url}/orders/{public_id}" in receipt.get_content()
