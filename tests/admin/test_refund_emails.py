"""The customer's email about a refund, through the outbox: one per refund Stripe reports
succeeded (a second partial refund gets its own), with what went back and what remains paid;
none while Stripe's refund is pending, none for a refund refused or failed; each shown on the
admin's order page like the order's other emails. A real SMTP server on loopback."""
import re

import pytest
import requests

from storefront.models import Order, Refund
from storefront.web.extensions import db
from tests.admin.helpers import refund_form, refund_made
from tests.admin.test_refunds import SLUG, order_now, wait_for_status
from tests.checkout.test_receipts import USERS, use
from tests.clock import advance
from tests.helpers import Browser, card
from tests.smtp import smtp_server
from tests.waiting import wait_for

SUBJECT = re.compile(r"^Your refund for order #\d+$")


def refund_emails(server, address="ada@example.com"):
    return [m for m in server.received_by(address) if SUBJECT.match(m["Subject"])]


def refund(admin_client, order_id, amount):
    response = admin_client.post(f"/admin/orders/{order_id}/refunds",
                                 data={**refund_form(admin_client, order_id), "amount": amount})
    return response.get_data(as_text=True)


def email_cells(admin_client, order_id):
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    return [" ".join(cell.split()) for cell in re.findall(r"data-refund-email>(.*?)</td>", page, re.S)]


def paid(app, shop, stripe_client, number="4242424242424242"):
    assert Browser(shop.url, SLUG).pay(card(stripe_client, number)).json()["next"] == "receipt"
    with app.app_context():
        return db.session.scalar(db.select(Order.id))


def test_each_partial_refund_emails_what_went_back_and_what_remains(app, shop, admin_client, stripe_client):
    order_id = paid(app, shop, stripe_client)
    with smtp_server(users=USERS) as server:
        use(app, server)
        assert refund_made(refund(admin_client, order_id, "5.00")) == "$5.00"
        [first] = wait_for(lambda: refund_emails(server), "the first refund's email", seconds=10)
        # The rest of the $24.00 paid (the $18.00 poster and its $6.00 parcel).
        assert refund_made(refund(admin_client, order_id, "19.00")) == "$19.00"
        wait_for_status(app, order_id, "refunded")
        first, second = wait_for(lambda: len(refund_emails(server)) == 2 and refund_emails(server),
                                 "the second refund's email", seconds=10)
        # Stripe's notices (charge.refunded, refund.updated) queue nothing more.
        assert app.test_cli_runner().invoke(args=["mail", "send"]).output == "No email is due\n"
        assert len(refund_emails(server)) == 2

    body = first.get_content()
    assert "We have refunded $5.00 of your payment for order" in body
    assert "Refunded in all: $5.00 of $24.00" in body and "What remains paid: $19.00" in body
    assert "Visa ending 4242" in body
    body = second.get_content()
    assert "Refunded now: $19.00" in body and "Refunded in all: $24.00 of $24.00" in body
    assert "Your order is refunded in full." in body and "What remains" not in body
    assert first["Message-ID"] != second["Message-ID"]
    cells = email_cells(admin_client, order_id)
    assert len(cells) == 2 and all(re.fullmatch(r"Sent \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", c) for c in cells), cells


def test_a_refund_stripe_refuses_emails_nothing(app, admin_client, shop, stripe_client, local_stripe):
    order_id = paid(app, shop, stripe_client)
    pi = order_now(app, order_id).payment_intent_id
    with smtp_server(users=USERS) as server:
        use(app, server)
        requests.post(f"{local_stripe.url}/_emulator/events/hold")
        try:  # refunded in Stripe's dashboard meanwhile: Stripe refuses the shop's refund
            # $15.00 of the $24.00: the shop's $10.00 is more than is left.
            stripe_client.refunds.create({"payment_intent": pi, "amount": 1500})
            assert "Stripe refused the refund" in refund(admin_client, order_id, "10.00")
        finally:
            requests.post(f"{local_stripe.url}/_emulator/events/release", json={"order": "fifo"})
        wait_for_status(app, order_id, "partially_refunded")
        assert app.test_cli_runner().invoke(args=["mail", "send"]).output == "No email is due\n"
        assert refund_emails(server) == []
    assert email_cells(admin_client, order_id) == ["None: no money went back."]


# Stripe's testing docs: refunds of this card stay pending, then succeed; of 5126 they begin
# as succeeded and fail some time later.
REFUND_PENDING = "4000000000007726"
REFUND_FAILS_LATER = "4000000000005126"


@pytest.mark.local_stripe_only  # moves the local Stripe's clock
def test_a_pending_refund_emails_once_it_succeeds(app, shop, admin_client, stripe_client, local_stripe):
    order_id = paid(app, shop, stripe_client, REFUND_PENDING)
    with smtp_server(users=USERS) as server:
        use(app, server)
        assert refund_made(refund(admin_client, order_id, "24.00")) == "$24.00"  # all of it
        wait_for_status(app, order_id, "refunded")
        assert refund_emails(server) == []
        assert email_cells(admin_client, order_id) == ["Sent once Stripe reports the refund succeeded."]
        advance(local_stripe, seconds=3600)  # Stripe's refund.updated: succeeded
        [message] = wait_for(lambda: refund_emails(server), "the refund's email", seconds=10)
    assert "Your order is refunded in full." in message.get_content()


@pytest.mark.local_stripe_only  # moves the local Stripe's clock
def test_a_refund_failing_before_its_email_went_withdraws_it(app, shop, admin_client, stripe_client,
                                                             local_stripe):
    order_id = paid(app, shop, stripe_client, REFUND_FAILS_LATER)
    with smtp_server(users=USERS, defer={"ada@example.com"}) as server:  # 451: try again later
        use(app, server)
        assert refund_made(refund(admin_client, order_id, "24.00")) == "$24.00"  # all of it
        wait_for(lambda: "Not sent yet after 1 try" in email_cells(admin_client, order_id)[0],
                 "the first try failing", seconds=10)
        advance(local_stripe, seconds=3600)  # Stripe's refund.failed

        def refund_row():
            with app.app_context():
                return db.session.scalars(db.select(Refund)).one()
        # The order was "paid" all along: wait for the refund itself to fail, not for the order.
        wait_for(lambda: refund_row().status == "failed", "the refund failing", seconds=10)
        wait_for_status(app, order_id, "paid")
        made = refund_row()
        assert made.email_due_at is None and made.email_sent_at is None
        server.defer.clear()
        assert app.test_cli_runner().invoke(args=["mail", "send"]).output == "No email is due\n"
        assert refund_emails(server) == []
    assert email_cells(admin_client, order_id) == ["None: no money went back."]
