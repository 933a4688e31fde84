"""Receipts through an outbox, over verified TLS, to a real SMTP server (tests/smtp.py: aiosmtpd
in this process, its certificate from a CA the test makes).

A customer who has paid sees the receipt page whatever the mail server does; the receipt is sent
after the response, retried with backoff when the failure may pass, recorded on the order and
shown to the admin when the server refuses it for good, and one bad address never holds up
another customer's receipt."""
import socket
from datetime import timedelta

import pytest

from storefront.models import Order, utcnow
from storefront.orders import outbox
from storefront.web.extensions import db
from tests.admin.helpers import log_in
from tests.helpers import card, open_checkout, pay
from tests.smtp import smtp_server

SLUG = "city-lights-poster"
USERS = {"shop": "s3cret pass"}


def use(app, server, username="shop", password="s3cret pass"):
    app.config.update(MAIL_BACKEND="smtp", SMTP_URL=server.url(username, password),
                      SMTP_CA_FILE=server.ca_file)


def buy(client, stripe_client, email="ada@example.com"):
    """Pay for an order; the customer must see the receipt page whatever happens to the mail."""
    response = pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client), email=email)
    assert response.status_code == 200 and response.json["next"] == "receipt"
    return response


def order_for(app, email):
    with app.app_context():
        order = db.session.scalar(db.select(Order).filter_by(email=email))
        db.session.expunge(order)
        return order


def make_due(app):
    """As if the backoff had passed."""
    with app.app_context():
        db.session.execute(db.update(Order).where(Order.receipt_due_at.is_not(None))
                           .values(receipt_due_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def unused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_the_receipt_goes_out_over_verified_tls_after_the_answer(app, client, stripe_client, tls):
    with smtp_server(tls=tls, users=USERS) as server:
        use(app, server)
        buy(client, stripe_client)
        [message] = server.received_by("ada@example.com")
    assert message["Subject"].startswith("Your receipt for order #")
    assert server.logins == [("shop", True)]
    order = order_for(app, "ada@example.com")
    assert order.receipt_sent_at is not None and order.receipt_due_at is None
    assert (order.receipt_tries, order.receipt_error) == (1, None)


def test_a_refused_recipient_is_recorded_and_shown_and_the_customer_sees_the_receipt_page(
        app, client, stripe_client):
    with smtp_server(users=USERS, refuse={"nobody@example.com"}) as server:
        use(app, server)
        buy(client, stripe_client, email="nobody@example.com")
        assert server.messages == [] and [r for r, _ in server.refusals] == ["nobody@example.com"]
        order = order_for(app, "nobody@example.com")
        assert order.status == "paid"
        assert order.receipt_refused_at is not None and order.receipt_due_at is None
        assert "550" in order.receipt_error and "nobody@example.com" in order.receipt_error

        # Never tried again: it would only be refused again.
        make_due(app)
        assert app.test_cli_runner().invoke(args=["mail", "send"]).output == "No email is due\n"
        assert len(server.refusals) == 1

    with app.app_context():
        from storefront.admin import accounts
        accounts.create_admin("owner@example.com", "correct horse battery staple")
    admin = app.test_client()
    log_in(admin, "owner@example.com", "correct horse battery staple")
    page = admin.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert "Refused by the mail server" in page and "550 5.1.1" in page


def test_a_mail_outage_queues_receipts_and_one_bad_address_never_blocks_the_others(
        app, client, stripe_client, caplog):
    port = unused_port()
    app.config.update(MAIL_BACKEND="smtp", SMTP_URL=f"smtp://shop:x@localhost:{port}")
    for email in ("first@example.com", "nobody@example.com", "last@example.com"):
        buy(client, stripe_client, email=email)  # the mail server is down: still the receipt page
    with app.app_context():
        queued = db.session.scalars(db.select(Order).order_by(Order.id)).all()
        assert all(o.receipt_sent_at is None and o.receipt_refused_at is None for o in queued)
        assert all(o.receipt_tries == 1 and "could not reach the mail server" in o.receipt_error
                   for o in queued)
        # Backoff: the next try waits about a minute.
        assert all(o.receipt_due_at > utcnow() + timedelta(seconds=50) for o in queued)
    assert "could not reach the mail server" in caplog.text

    # Not due yet: neither the worker nor reconcile tries before the backoff has passed.
    assert app.test_cli_runner().invoke(args=["mail", "send"]).output == "No email is due\n"

    with smtp_server(users=USERS, refuse={"nobody@example.com"}) as server:
        use(app, server)
        make_due(app)
        result = app.test_cli_runner().invoke(args=["orders", "reconcile"])
        assert result.exit_code == 0, result.output
        assert "2 receipts sent" in result.output and "1 receipts refused" in result.output
        assert sorted(m["To"] for m in server.messages) == ["first@example.com", "last@example.com"]
    with app.app_context():
        refused = db.session.scalar(db.select(Order).filter_by(email="nobody@example.com"))
        assert refused.receipt_refused_at is not None and refused.receipt_tries == 2


def test_a_temporary_refusal_is_tried_again_by_flask_mail_send(app, client, stripe_client):
    with smtp_server(users=USERS, defer={"busy@example.com"}) as server:
        use(app, server)
        buy(client, stripe_client, email="busy@example.com")
        order = order_for(app, "busy@example.com")
        assert order.receipt_refused_at is None and "451" in order.receipt_error
        server.defer.clear()  # the mailbox is back
        make_due(app)
        result = app.test_cli_runner().invoke(args=["mail", "send"])
        assert result.output == "1 receipts sent\n"
        assert len(server.received_by("busy@example.com")) == 1
    order = order_for(app, "busy@example.com")
    assert order.receipt_sent_at is not None and order.receipt_error is None


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
@pytest.mark.parametrize("impostor", [
    {"certificate_for": ("mail.other.test",)},  # a certificate for another name
    {"trusted": False},  # a certificate from a CA the shop does not trust
])
def test_a_server_with_an_untrusted_certificate_gets_no_login_and_no_message(
        app, client, stripe_client, caplog, tls, impostor):
    with smtp_server(tls=tls, users=USERS, **impostor) as server:
        use(app, server)
        buy(client, stripe_client)
        assert server.logins == [] and server.messages == []
    order = order_for(app, "ada@example.com")
    assert order.receipt_sent_at is None and order.receipt_refused_at is None
    assert order.receipt_due_at is not None  # still queued, for when the setting is fixed
    assert "certificate is not trusted" in order.receipt_error
    assert "no login or message was sent" in caplog.text


def test_a_server_without_starttls_gets_no_login_in_plain_text(app, client, stripe_client, caplog):
    with smtp_server(tls=None) as server:
        use(app, server)
        buy(client, stripe_client)
        assert server.logins == [] and server.messages == []
    order = order_for(app, "ada@example.com")
    assert order.receipt_due_at is not None and "does not offer STARTTLS" in order.receipt_error


def test_two_senders_at_once_send_one_receipt(app, client, stripe_client):
    """The browser's after-response send and a `flask mail send` run claim each try; only one
    of them sends."""
    with smtp_server(users=USERS) as server:
        use(app, server)
        app.config["MAIL_BACKEND"] = "log"  # the after-response send "succeeds" without mail
        buy(client, stripe_client)
        with app.app_context():
            order = db.session.scalar(db.select(Order))
            order.receipt_sent_at, order.receipt_due_at, order.receipt_tries = None, utcnow(), 0
            db.session.commit()
            use(app, server)
            stale = db.session.get(Order, order.id)
            assert outbox.send(stale, outbox.RECEIPT) == "receipts sent"
            assert outbox.send(stale, outbox.RECEIPT) is None  # sent already: nothing to claim
        assert len(server.messages) == 1


def test_backoff_doubles_up_to_six_hours():
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert outbox.backoff(50) == timedelta(hours=6)


def test_reconcile_fulfils_a_paid_order_whose_fulfilment_was_never_claimed(
        app, client, stripe_client):
    """The process died between recording the payment and queuing the receipt."""
    with smtp_server(users=USERS) as server:
        use(app, server)
        app.config["MAIL_BACKEND"] = "log"
        buy(client, stripe_client)
        with app.app_context():
            order = db.session.scalar(db.select(Order))
            order.fulfilled_at = order.receipt_sent_at = order.receipt_due_at = None
            order.updated_at = utcnow() - timedelta(minutes=20)
            db.session.commit()
        use(app, server)
        result = app.test_cli_runner().invoke(args=["orders", "reconcile"])
        assert "1 fulfilled late" in result.output, result.output
        assert len(server.received_by("ada@example.com")) == 1
