"""`flask orders reconcile` settles orders that the browser and webhooks left open.

The local Stripe's search lags its writes by 60 seconds here (as Stripe's does, by under a
minute normally and up to an hour in an outage): reconcile must never take an empty search for
"nothing reached Stripe"."""
import threading
from datetime import timedelta

import pytest
import requests

from storefront.models import Order, PaymentAttempt, utcnow
from storefront.payments import gateway
from storefront.payments.reconcile import reconcile
from storefront.web.extensions import db
from tests.clock import advance
from tests.helpers import card, open_checkout, pay
from tests.waiting import wait_for

SLUG = "city-lights-poster"
SEARCH_LAG_SECONDS = 60


@pytest.fixture(autouse=True)
def search_lags(local_stripe):
    url = f"{local_stripe.url}/_emulator/search_lag"
    requests.post(url, json={"seconds": SEARCH_LAG_SECONDS}).raise_for_status()
    yield
    requests.post(url, json={"seconds": 0}).raise_for_status()


def charges_at_stripe(stripe_client, order):
    """The order's PaymentIntents as Stripe holds them: listed, not searched (no lag)."""
    return [intent for intent in stripe_client.payment_intents.list({"limit": 100}).auto_paging_iter()
            if intent.metadata.to_dict().get("order_public_id") == order.public_id]


def age(order_id, minutes):
    order = db.session.get(Order, order_id)
    order.updated_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()


def run(app, older_than=10, cancel_after=24 * 60):
    with app.app_context():
        return reconcile(timedelta(minutes=older_than), timedelta(minutes=cancel_after))


def test_a_payment_whose_answer_was_lost_is_found_and_fulfilled(app, client, stripe_client, faults, outbox):
    app.config["STRIPE_TIMEOUT_SECONDS"] = 0.3
    gateway.init_app(app)
    faults("delay", delay_ms=800)
    assert pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client)).status_code == 503
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        # Stripe finishes the payment after the shop stopped waiting; the tab is closed.
        wait_for(lambda: [i for i in charges_at_stripe(stripe_client, order) if i.status == "succeeded"],
                 "Stripe finishing the payment")
        assert (order.status, order.payment_intent_id) == ("pending", None)
        assert gateway.intents_for_order(order.public_id) == []  # search has not caught up
        age(order.id, 30)
    assert run(app, older_than=60) == {}  # not old enough yet
    assert run(app) == {"now paid": 1}
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert order.status == "paid" and order.transitions[-1].source == "reconcile"
        assert order.attempts[0].outcome == "succeeded"
    assert len(outbox) == 1


def test_a_payment_that_never_reached_stripe_is_sent_now_with_its_key(
        app, client, stripe_client, faults, outbox):
    """The customer pressed Pay and the request was lost before Stripe: reconcile sends the very
    request again with its key, and Stripe makes it now; one charge, the order paid."""
    faults("drop")
    assert pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client)).status_code == 503
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert charges_at_stripe(stripe_client, order) == []
        age(order.id, 30)
    assert run(app) == {"now paid": 1}
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert order.status == "paid" and order.attempts[0].outcome == "succeeded"
        assert [i.status for i in charges_at_stripe(stripe_client, order)] == ["succeeded"]
    assert len(outbox) == 1


def test_a_failure_stripe_saved_for_the_key_cancels_the_order(app, client, stripe_client, faults):
    """Stripe answered 500 and saved it for the key: sent again, it replays the 500 (marked
    Idempotent-Replayed), so nothing was made, and the order is canceled; nothing charged."""
    app.config["STRIPE_MAX_NETWORK_RETRIES"] = 0
    gateway.init_app(app)
    faults("500")
    assert pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client)).status_code == 503
    with app.app_context():
        age(db.session.scalar(db.select(Order.id)), 30)
    assert run(app) == {"canceled (never reached Stripe)": 1}
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert order.status == "canceled" and order.attempts[0].outcome == "error"
        assert charges_at_stripe(stripe_client, order) == []


def test_a_lost_call_older_than_its_key_is_found_by_search(app, client, stripe_client, faults,
                                                           local_stripe):
    """After 24 h Stripe may have forgotten the key, and sending the request again could pay
    twice: reconcile searches instead, and search has long caught up by then."""
    app.config["STRIPE_TIMEOUT_SECONDS"] = 0.3
    gateway.init_app(app)
    faults("delay", delay_ms=800)
    assert pay(client, SLUG, open_checkout(client, SLUG),
               card(stripe_client, "4000002760003184")).status_code == 503
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        [intent] = wait_for(lambda: charges_at_stripe(stripe_client, order), "the intent at Stripe")
        db.session.execute(db.update(PaymentAttempt).values(
            created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
        age(order.id, 2 * 24 * 60)
    advance(local_stripe, days=2)
    assert run(app) == {"canceled (abandoned)": 1}  # found, held, then canceled at Stripe
    assert stripe_client.payment_intents.retrieve(intent.id).status == "canceled"


def test_an_abandoned_3ds_payment_is_canceled_at_stripe(app, client, stripe_client):
    answer = pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client, "4000002760003184"))
    assert answer.json["next"] == "authenticate"
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        age(order.id, 30)
        intent_id = order.payment_intent_id
    assert run(app) == {"now requires_action": 1}  # younger than cancel_after: left alone
    with app.app_context():
        age(order.id, 2 * 24 * 60)
    assert run(app) == {"canceled (abandoned)": 1}
    assert stripe_client.payment_intents.retrieve(intent_id).status == "canceled"
    with app.app_context():
        assert db.session.get(Order, order.id).status == "canceled"


def test_reconcile_on_several_hosts_at_once(app, client, stripe_client, outbox):
    ids = []
    for _ in range(4):
        pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client))
    with app.app_context():
        for order in db.session.scalars(db.select(Order)):
            order.status, order.fulfilled_at, order.receipt_sent_at = "pending", None, None
            ids.append(order.id)
        db.session.commit()
        for order_id in ids:
            age(order_id, 30)
    outbox.clear()
    results = []
    hosts = [threading.Thread(target=lambda: results.append(run(app))) for _ in range(3)]
    for host in hosts:
        host.start()
    for host in hosts:
        host.join()
    assert sum(result.get("now paid", 0) for result in results) == 4
    with app.app_context():
        assert set(db.session.scalars(db.select(Order.status))) == {"paid"}
    assert sorted(message["To"] for message in outbox) == ["ada@example.com"] * 4


def test_cli(app):
    result = app.test_cli_runner().invoke(args=["orders", "reconcile", "--older-than", "5"])
    assert result.exit_code == 0 and "Nothing to reconcile" in result.output
