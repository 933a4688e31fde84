"""The email of a bank debit that failed days later, through the same outbox as receipts, to a real
SMTP server (tests/smtp.py): sent once per failure however often the failure is reported, sent
later when the mail server was down, recorded and shown to the admin when refused for good, and
not sent at all once the customer has paid the order after all."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import requests

from storefront.models import Order, utcnow
from storefront.web.extensions import db
from tests.admin.helpers import log_in
from tests.emulator.bank import INSUFFICIENT_FUNDS, debit_confirmed
from tests.helpers import US_ADDRESS, card, event, hidden_fields, open_checkout, pay, signed
from tests.checkout.test_receipts import USERS, unused_port, use
from tests.smtp import smtp_server

SLUG = "city-lights-poster"  # USD
SUBJECT = re.compile(r"Your payment for order #\d+ did not go through")


def failing_debit(app, client, stripe_client, local_stripe, email="ada@example.com"):
    """A bank order the customer left believing it paid, whose debit the bank then returns (the
    local Stripe's clock moved past settlement). Nothing has told the shop yet: it is processing.
    Returns the order's id and its PaymentIntent as Stripe has it now."""
    page = open_checkout(client, SLUG, method="us_bank_account")
    answer = pay(client, SLUG, page, "", method="us_bank_account", email=email)
    intent_id = answer.json["client_secret"].split("_secret_")[0]
    debit_confirmed(stripe_client, intent_id, INSUFFICIENT_FUNDS)
    confirmed = client.post(answer.json["confirm_url"], data={"csrf_token": page["csrf_token"]})
    assert confirmed.json["next"] == "receipt"
    requests.post(f"{local_stripe.url}/_emulator/clock/advance", json={"days": 6}).raise_for_status()
    intent = stripe_client.payment_intents.retrieve(intent_id)
    assert intent.status == "requires_payment_method"
    with app.app_context():
        order = db.session.scalar(db.select(Order).filter_by(payment_intent_id=intent_id))
        assert order.status == "processing"
        return order.id, intent


def report_failure(app, client, intent, event_id):
    """Stripe's payment_intent.payment_failed reaching the shop's webhook."""
    payload = event("payment_intent.payment_failed", intent.to_dict(), event_id)
    response = client.post("/webhooks/stripe", data=payload, content_type="application/json",
                           headers={"Stripe-Signature": signed(payload, app.config["STRIPE_WEBHOOK_SECRET"])})
    assert response.status_code == 200, response.get_data(as_text=True)


def reconcile_now(app, order_id):
    """`flask orders reconcile`, the order looking stale to it."""
    with app.app_context():
        db.session.execute(db.update(Order).where(Order.id == order_id)
                           .values(updated_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["orders", "reconcile"])
    assert result.exit_code == 0, result.output
    return result.output


def make_due(app):
    """As if the backoff had passed, for every email queued."""
    past = utcnow() - timedelta(seconds=1)
    with app.app_context():
        db.session.execute(db.update(Order).where(Order.failure_email_due_at.is_not(None))
                           .values(failure_email_due_at=past))
        db.session.execute(db.update(Order).where(Order.receipt_due_at.is_not(None))
                           .values(receipt_due_at=past))
        db.session.commit()


def mail_send(app):
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def order(app, order_id):
    with app.app_context():
        found = db.session.get(Order, order_id)
        db.session.expunge(found)
        return found


def admin_page(app, order_id):
    with app.app_context():
        from storefront.admin import accounts
        accounts.create_admin("owner@example.com", "correct horse battery staple")
    admin = app.test_client()
    log_in(admin, "owner@example.com", "correct horse battery staple")
    html = admin.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    return " ".join(re.search(r"<dd data-failure-email>(.*?)</dd>", html, re.S).group(1).split())


def test_the_failure_reported_twice_and_reconciled_sends_one_email(
        app, client, stripe_client, local_stripe):
    with smtp_server(users=USERS) as server:
        use(app, server)
        order_id, intent = failing_debit(app, client, stripe_client, local_stripe)
        report_failure(app, client, intent, "evt_failed")
        [message] = server.received_by("ada@example.com")
        # Stripe may tell of the same failure again (a redelivery under another event id), and
        # reconcile and the outbox's own runs come by: still one email.
        report_failure(app, client, intent, "evt_failed_again")
        reconcile_now(app, order_id)
        make_due(app)
        assert mail_send(app) == "No email is due\n"
        assert len(server.messages) == 1

    assert SUBJECT.fullmatch(message["Subject"])
    body = message.get_content()
    assert "did not have enough funds" in body
    link = re.search(r"https?://\S+(/orders/\S+/pay\?token=\S+)", body).group(1)
    assert client.get(link).status_code == 200  # the emailed link opens the order's checkout
    failed = order(app, order_id)
    assert failed.status == "failed"
    assert failed.failure_email_sent_at is not None and failed.failure_email_due_at is None
    assert (failed.failure_email_tries, failed.failure_email_error) == (1, None)
    host = urlsplit(app.config["SHOP_URL"]).hostname
    assert message["Message-ID"] == f"<payment-failed-{failed.public_id}-1@{host}>"
    assert admin_page(app, order_id).startswith("Sent ")


def test_a_mail_outage_at_the_failure_is_sent_later_by_flask_mail_send(
        app, client, stripe_client, local_stripe, caplog):
    app.config.update(MAIL_BACKEND="smtp", SMTP_URL=f"smtp://shop:x@localhost:{unused_port()}")
    order_id, intent = failing_debit(app, client, stripe_client, local_stripe)
    report_failure(app, client, intent, "evt_failed")  # the webhook is answered all the same
    queued = order(app, order_id)
    assert queued.status == "failed" and queued.failure_email_sent_at is None
    assert queued.failure_email_tries == 1
    assert "could not reach the mail server" in queued.failure_email_error
    assert queued.failure_email_due_at > utcnow() + timedelta(seconds=50)  # the backoff
    shown = admin_page(app, order_id)
    assert shown.startswith("Not sent yet after 1 try: could not reach the mail server")
    assert "Next try after" in shown
    assert mail_send(app) == "No email is due\n"  # not before the backoff has passed

    with smtp_server(users=USERS) as server:
        use(app, server)
        make_due(app)
        assert mail_send(app) == "1 payment-failed emails sent\n"
        [message] = server.received_by("ada@example.com")
        make_due(app)
        assert mail_send(app) == "No email is due\n"
    assert SUBJECT.fullmatch(message["Subject"]) and "/pay?token=" in message.get_content()
    sent = order(app, order_id)
    assert sent.failure_email_sent_at is not None and sent.failure_email_error is None
    assert sent.failure_email_tries == 2


def test_a_refused_address_is_recorded_and_shown_to_the_admin(
        app, client, stripe_client, local_stripe):
    with smtp_server(users=USERS, refuse={"nobody@example.com"}) as server:
        use(app, server)
        order_id, intent = failing_debit(app, client, stripe_client, local_stripe,
                                         email="nobody@example.com")
        report_failure(app, client, intent, "evt_failed")
        refused = order(app, order_id)
        assert refused.failure_email_refused_at is not None and refused.failure_email_due_at is None
        assert "550" in refused.failure_email_error
        make_due(app)
        assert mail_send(app) == "No email is due\n"  # never tried again
        assert server.messages == [] and len(server.refusals) == 1
    shown = admin_page(app, order_id)
    assert shown.startswith("<strong>Refused by the mail server</strong>")
    assert "550 5.1.1" in shown and "reach the customer another way" in shown


def test_an_order_paid_before_its_failure_email_went_out_never_gets_it(
        app, client, stripe_client, local_stripe):
    app.config.update(MAIL_BACKEND="smtp", SMTP_URL=f"smtp://shop:x@localhost:{unused_port()}")
    order_id, intent = failing_debit(app, client, stripe_client, local_stripe)
    report_failure(app, client, intent, "evt_failed")
    assert order(app, order_id).failure_email_error is not None  # the mail server is down
    # The customer pays the order by card all the same (the checkout the email links to).
    with app.app_context(), app.test_request_context():
        from storefront.orders.links import pay_again_url
        link = pay_again_url(db.session.get(Order, order_id))
    page = hidden_fields(client.get(link).get_data(as_text=True)) | US_ADDRESS  # filled in again
    assert pay(client, SLUG, page, card(stripe_client)).json["next"] == "receipt"

    with smtp_server(users=USERS) as server:
        use(app, server)
        make_due(app)
        assert mail_send(app) == "1 receipts sent\n"
        assert [m["Subject"] for m in server.messages] == [f"Your receipt for order #{order_id}"]
    paid = order(app, order_id)
    assert paid.status == "paid" and paid.failure_email_sent_at is None
    assert admin_page(app, order_id) == "Not sent: the order was paid before the mail server took it."
