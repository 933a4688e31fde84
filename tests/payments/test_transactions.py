"""No database transaction is open while the shop waits for Stripe.

A transaction held across a Stripe call holds a connection (and, after a write, row locks) for
as long as Stripe takes: on PostgreSQL the session shows `idle in transaction` for the whole
call, and a slow Stripe empties the pool. Each test drives one kind of Stripe call the shop
makes, through the pages and commands that make it, and the watch fails the test if any of the
shop's connections has a transaction open at the moment a request goes out to Stripe.

The watch: SQLAlchemy's engine events (begin, commit, rollback) on the shop's engine say which
connections are in a transaction — the same on SQLite and PostgreSQL — and the stripe library's
HTTP client (stripe.RequestsClient.request, every request the library sends, its own retries
included) is wrapped to look at that moment. On PostgreSQL, pg_stat_activity is read as well
while the local Stripe holds a call (its `delay` fault).
"""
import os
import re
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy
import stripe
from sqlalchemy import event as engine_events
from sqlalchemy.pool import NullPool

from storefront.models import Order, OrderLine, Transfer
from storefront.payments.reconcile import reconcile
from storefront.web.extensions import db
from storefront.admin import accounts
from tests.admin.helpers import EMAIL, PASSWORD, csrf_token, log_in, refund_form, refund_line
from tests.helpers import bag_form, card, event, open_checkout, pay, signed
from tests.payments.test_makers import add, onboard
from tests.waiting import wait_for

SLUG = "city-lights-poster"


class TransactionWatch:
    """Which of the shop's connections are in a transaction, and every Stripe request sent while
    one was."""

    def __init__(self, engine):
        self.open = set()
        self.sent = []        # (method, path) of every request the shop sent
        self.held = []        # (method, path, how many transactions were open)
        self.watching = False
        engine_events.listen(engine, "begin", self._begin)
        engine_events.listen(engine, "commit", self._end)
        engine_events.listen(engine, "rollback", self._end)
        self._engine = engine

    def _begin(self, connection):
        self.open.add(id(connection))

    def _end(self, connection):
        self.open.discard(id(connection))

    def request(self, method, url):
        if self.watching:
            call = (method.upper(), urlsplit(url).path)
            self.sent.append(call)
            if self.open:
                self.held.append((*call, len(self.open)))

    def remove(self):
        engine_events.remove(self._engine, "begin", self._begin)
        engine_events.remove(self._engine, "commit", self._end)
        engine_events.remove(self._engine, "rollback", self._end)

    def __enter__(self):
        self.watching = True
        return self

    def __exit__(self, *exc):
        self.watching = False


@pytest.fixture
def watch(app, monkeypatch):
    with app.app_context():
        watcher = TransactionWatch(db.engine)
    send = stripe.RequestsClient.request

    def request(client, method, url, headers, post_data=None):
        watcher.request(method, url)
        return send(client, method, url, headers, post_data)

    monkeypatch.setattr(stripe.RequestsClient, "request", request)
    yield watcher
    watcher.remove()


def post_event(client, payload):
    return client.post("/webhooks/stripe", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": signed(payload, "whsec_testing")})


def assert_none_held(watch, *calls):
    """Every one of `calls` ((method, path prefix)) was sent, and no request went out while a
    transaction was open."""
    for method, prefix in calls:
        assert any(m == method and p.startswith(prefix) for m, p in watch.sent), \
            f"{method} {prefix} was not sent: {watch.sent}"
    assert not watch.held, f"Stripe called with a transaction open: {watch.held}"


def test_card_pay_and_3ds_confirm(app, client, stripe_client, watch, local_stripe):
    with watch:
        assert pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client)).json["next"] == "receipt"
        page = open_checkout(client, SLUG)
        answer = pay(client, SLUG, page, card(stripe_client, "4000002760003184")).json
        assert answer["next"] == "authenticate"
    intent_id = answer["client_secret"].split("_secret_")[0]
    requests.post(f"{local_stripe.url}/v1/payment_intents/{intent_id}/three_ds_challenge",
                  data={"outcome": "complete", "client_secret": answer["client_secret"]},
                  headers={"Authorization": "Bearer pk_test_testing"}).raise_for_status()
    with watch:
        confirmed = client.post(answer["confirm_url"], data={"csrf_token": page["csrf_token"]}).json
        assert confirmed["next"] == "receipt"
    assert_none_held(watch, ("POST", "/v1/payment_intents"),
                     ("POST", f"/v1/payment_intents/{intent_id}/confirm"))


def test_a_declined_card_then_another(app, client, stripe_client, watch):
    page = open_checkout(client, SLUG)
    with watch:
        assert pay(client, SLUG, page, card(stripe_client, "4000000000000002")).status_code == 402
        assert pay(client, SLUG, page, card(stripe_client)).json["next"] == "receipt"
    assert_none_held(watch, ("POST", "/v1/payment_intents/"))


def test_bank_debit(app, client, watch):
    page = open_checkout(client, SLUG, method="us_bank_account")
    with watch:
        answer = pay(client, SLUG, page, "", method="us_bank_account").json
        assert answer["next"] == "collect"
        client.post(answer["confirm_url"], data={"csrf_token": page["csrf_token"]})
    assert_none_held(watch, ("POST", "/v1/payment_intents"), ("GET", "/v1/payment_intents/"))


def test_bag_transfers_refund_and_reversal(app, client, stripe_client, local_stripe, watch):
    onboard(app, stripe_client, local_stripe, "harbour-press")
    add(client, "city-lights-poster", quantity="2")
    add(client, "organic-tee")
    form = bag_form(client.get("/bag").get_data(as_text=True), client)
    with watch:
        response = client.post("/bag/pay", data=form | {"email": "ada@example.com",
                                                         "payment_method": card(stripe_client)})
        assert response.json["next"] == "receipt", response.json
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        poster = db.session.scalars(db.select(OrderLine).filter_by(order_id=order.id, position=0)).one()
        order_id, line_id = order.id, poster.id
        assert db.session.scalars(db.select(Transfer.status)).all() == ["made"]
    with app.app_context():
        accounts.create_admin(EMAIL, PASSWORD)
    assert log_in(client).status_code == 302
    with watch:
        refund_line(client, order_id, line_id)
        client.post(f"/admin/orders/{order_id}/refunds",
                    data={**refund_form(client, order_id), "amount": "1.00"})
    assert_none_held(watch, ("POST", "/v1/payment_intents"), ("POST", "/v1/transfers"),
                     ("POST", "/v1/refunds"), ("POST", "/v1/transfers/tr_"))


@pytest.mark.parametrize("app_config", [{"CHECKOUT_MODE": "hosted"}])
def test_checkout_session_create(fresh_local_stripe, app, client, watch):
    page = open_checkout(client, SLUG)
    with watch:
        response = client.post(f"/p/{SLUG}/continue", data={**page, "email": "ada@example.com"})
        assert response.status_code in (200, 303), response.get_data(as_text=True)[:300]
    assert_none_held(watch, ("POST", "/v1/checkout/sessions"))


def test_reconcile_retrieve_and_cancel(app, client, stripe_client, watch):
    assert pay(client, SLUG, open_checkout(client, SLUG),
               card(stripe_client, "4000002760003184")).json["next"] == "authenticate"
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        order.updated_at -= timedelta(days=2)
        db.session.commit()
    with watch, app.app_context():
        assert reconcile(timedelta(minutes=10), timedelta(minutes=60)) == {"canceled (abandoned)": 1}
    assert_none_held(watch, ("GET", "/v1/payment_intents/"), ("POST", "/v1/payment_intents/"))


def test_reconcile_sends_a_lost_create_again(app, client, stripe_client, watch, faults):
    faults("drop")
    assert pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client)).status_code == 503
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        order.updated_at -= timedelta(minutes=30)
        db.session.commit()
    with watch, app.app_context():
        assert reconcile(timedelta(minutes=10), timedelta(days=1)) == {"now paid": 1}
    assert_none_held(watch, ("POST", "/v1/payment_intents"))


def test_webhooks_that_ask_stripe_and_a_duplicate_refund(app, client, stripe_client, watch):
    """A stale requires_action event makes the shop ask Stripe (retrieve); a second payment for
    a paid order is refunded."""
    page = open_checkout(client, SLUG)
    assert pay(client, SLUG, page, card(stripe_client, "4000002760003184")).json["next"] == "authenticate"
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
        order_id, public_id, total = order.id, order.public_id, order.total
    stale = intent.to_dict() | {"status": "requires_payment_method",
                                "last_payment_error": {"code": "card_declined", "type": "card_error"}}
    second = stripe_client.payment_intents.create({
        "amount": total, "currency": "usd", "payment_method": card(stripe_client),
        "allowed_payment_method_types": ["card"], "confirm": True,
        "metadata": {"order_id": str(order_id), "order_public_id": public_id}})
    with watch:
        assert post_event(client, event("payment_intent.payment_failed", stale, "evt_stale")) \
            .status_code == 200
    with app.app_context():
        order = db.session.get(Order, order_id)
        order.status = "paid"  # as if the first payment had gone through meanwhile
        db.session.commit()
    with watch:
        assert post_event(client, event("payment_intent.succeeded", second.to_dict(),
                                        "evt_second")).status_code == 200
    assert_none_held(watch, ("GET", f"/v1/payment_intents/{intent.id}"), ("POST", "/v1/refunds"))


def test_the_admins_stripe_calls(app, client, stripe_client, watch):
    assert pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client)).json["next"] == "receipt"
    with app.app_context():
        accounts.create_admin(EMAIL, PASSWORD)
        order_id = db.session.scalar(db.select(Order.id))
    assert log_in(client).status_code == 302
    page = client.get("/admin/makers/harbour-press").get_data(as_text=True)
    request_id = re.search(r'name="request_id" value="([^"]+)"', page).group(1)
    with watch:
        assert client.get(f"/admin/orders/{order_id}/payment").status_code == 200
        assert client.post("/admin/makers/harbour-press/onboard", data={
            "csrf_token": csrf_token(page), "request_id": request_id}).status_code == 303
    assert_none_held(watch, ("GET", "/v1/payment_intents/"), ("POST", "/v1/accounts"),
                     ("POST", "/v1/account_links"))


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="pg_stat_activity: PostgreSQL")
def test_no_session_idles_in_a_transaction_during_a_held_stripe_call(app, client, stripe_client,
                                                                      local_stripe, faults,
                                                                      stripe_requests,
                                                                      database_url):
    """What an operator sees: the local Stripe holds the create for 3 s; meanwhile no session
    of the shop's database is `idle in transaction`."""
    faults("delay", delay_ms=3000)
    page = open_checkout(client, SLUG)
    payment_method = card(stripe_client)
    answers = []
    paying = threading.Thread(target=lambda: answers.append(pay(client, SLUG, page, payment_method)))
    watcher = sqlalchemy.create_engine(database_url, poolclass=NullPool)
    states = []
    try:
        paying.start()
        wait_for(lambda: stripe_requests(method="POST", path="/v1/payment_intents"),
                 "the create reaching the local Stripe")
        deadline = time.monotonic() + 2
        with watcher.connect() as connection:
            while time.monotonic() < deadline:
                states += connection.execute(sqlalchemy.text(
                    "SELECT pid, state, left(query, 80) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()")).all()
                connection.rollback()
                time.sleep(0.1)
        paying.join(timeout=30)
    finally:
        watcher.dispose()
    assert answers and answers[0].json["next"] == "receipt"
    assert not [s for s in states if s.state == "idle in transaction"], states
