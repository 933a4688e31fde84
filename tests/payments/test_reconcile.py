"""`flask orders reconcile` settles orders that the browser and webhooks left open."""
import threading
import time
from datetime import timedelta


from storefront.models import Order, utcnow
from storefront.payments import gateway
from storefront.payments.reconcile import reconcile
from storefront.web.extensions import db
from tests.helpers import card, open_checkout, pay

SLUG = "city-lights-poster"


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
    time.sleep(1)  # Stripe finishes the payment after the shop stopped waiting; the tab is closed
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert (order.status, order.payment_intent_id) == ("pending", None)
        age(order.id, 30)
    assert run(app, older_than=60) == {}  # not old enough yet
    assert run(app) == {"now paid": 1}
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert order.status == "paid" and order.transitions[-1].source == "reconcile"
        assert order.attempts[0].outcome == "succeeded"
    assert len(outbox) == 1


def test_a_payment_that_never_reached_stripe_is_canceled(app, client, stripe_client, faults):
    faults("drop")
    assert pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client)).status_code == 503
    with app.app_context():
        age(db.session.scalar(db.select(Order.id)), 30)
    assert run(app) == {"canceled (never reached Stripe)": 1}
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert order.status == "canceled" and order.attempts[0].outcome == "error"


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
