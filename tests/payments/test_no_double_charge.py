"""Double clicks, retries, concurrent requests and Stripe's faults never charge twice."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from storefront.models import Order, PaymentAttempt
from storefront.payments import gateway
from storefront.web.extensions import db
from tests.helpers import Browser, card, open_checkout, pay
from tests.waiting import wait_for

SLUG = "city-lights-poster"


def creates(stripe_requests):
    """PaymentIntents the shop asked Stripe to create or confirm (replays included)."""
    return [r for r in stripe_requests(method="POST")
            if r["path"].startswith("/v1/payment_intents") and r["key_kind"] != "publishable"]


def pay_until_answered(client, page, stripe_client):
    """Press Pay again (Stripe.js makes a new PaymentMethod each time) until the shop answers
    other than 503: the first request may still be running at Stripe."""
    def answered():
        response = pay(client, SLUG, page, card(stripe_client))
        return response if response.status_code != 503 else None
    return wait_for(answered, "an answer other than 503", seconds=10)


def charges(stripe_client, order):
    """Successful charges for the order, whatever intent they went through."""
    intents = stripe_client.payment_intents.search(
        {"query": f"metadata['order_public_id']:'{order.public_id}'"}).data
    return [i.id for i in intents if i.status == "succeeded"]


def test_concurrent_double_submits_make_one_order_and_one_charge(app, shop, stripe_client, stripe_requests):
    browser = Browser(shop.url, SLUG)
    payment_method = card(stripe_client)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: browser.pay(payment_method), range(8)))
    assert {a.json()["next"] for a in answers} == {"receipt"}
    with app.app_context():
        [order] = db.session.scalars(db.select(Order)).all()
        assert order.status == "paid"
        assert len(charges(stripe_client, order)) == 1
    assert len(creates(stripe_requests)) == 1


def test_two_cards_at_once_on_one_checkout_charge_once(app, shop, stripe_client, stripe_requests):
    browser = Browser(shop.url, SLUG)
    cards = [card(stripe_client), card(stripe_client, "5555555555554444")]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(browser.pay, cards))
    assert [a.json()["next"] for a in answers] == ["receipt", "receipt"]
    with app.app_context():
        [order] = db.session.scalars(db.select(Order)).all()
        assert len(charges(stripe_client, order)) == 1
    assert len(creates(stripe_requests)) == 1


def test_a_declined_card_then_another_goes_on_the_same_intent(app, client, stripe_client):
    page = open_checkout(client, SLUG)
    declined = pay(client, SLUG, page, card(stripe_client, "4000000000000002"))
    assert declined.status_code == 402
    assert declined.json["message"] == "Your card was declined. Please use another card."
    again = pay(client, SLUG, page, declined_pm := card(stripe_client, "4000000000000002"))
    assert again.status_code == 402
    paid = pay(client, SLUG, page, card(stripe_client))
    assert paid.json["next"] == "receipt"
    with app.app_context():
        [order] = db.session.scalars(db.select(Order)).all()
        assert [a.outcome for a in order.attempts] == ["declined", "declined", "succeeded"]
        assert len({a.idempotency_key for a in order.attempts}) == 3
        assert declined_pm in {a.payment_method for a in order.attempts}


def test_failed_attempts_per_order_are_limited(app, client, stripe_client, stripe_requests):
    app.config["MAX_FAILED_ATTEMPTS_PER_ORDER"] = 2
    page = open_checkout(client, SLUG)
    for _ in range(2):
        assert pay(client, SLUG, page, card(stripe_client, "4000000000000002")).status_code == 402
    stopped = pay(client, SLUG, page, card(stripe_client))
    assert stopped.status_code == 429
    assert "declined too many times" in stopped.json["message"]
    assert len(creates(stripe_requests)) == 2


@pytest.mark.parametrize("kind", ["500", "drop", "429"])
def test_a_stripe_fault_is_retried_by_the_customer_without_a_second_charge(
        kind, app, client, stripe_client, stripe_requests, faults):
    page = open_checkout(client, SLUG)
    faults(kind)
    failed = pay(client, SLUG, page, card(stripe_client))
    assert failed.status_code == 503
    assert "press Pay again" in failed.json["message"]
    with app.app_context():
        assert db.session.scalar(db.select(Order.status)) == "pending"
    retried = pay(client, SLUG, page, card(stripe_client))  # Stripe.js makes a new PaymentMethod
    assert retried.json["next"] == "receipt"
    with app.app_context():
        [order] = db.session.scalars(db.select(Order)).all()
        assert order.status == "paid"
        assert charges(stripe_client, order) == [order.payment_intent_id]


def test_a_timeout_then_a_retry_takes_stripes_first_answer(app, client, stripe_client, stripe_requests, faults):
    app.config["STRIPE_TIMEOUT_SECONDS"] = 0.5
    gateway.init_app(app)
    page = open_checkout(client, SLUG)
    faults("delay", delay_ms=1500)
    first_card = card(stripe_client)
    timed_out = pay(client, SLUG, page, first_card)
    assert timed_out.status_code == 503
    # Stripe finished the first request after the shop gave up; the retry must learn of it.
    answer = pay_until_answered(client, page, stripe_client)
    assert answer.json["next"] == "receipt"
    with app.app_context():
        [order] = db.session.scalars(db.select(Order)).all()
        assert [(a.payment_method, a.outcome) for a in order.attempts] == [(first_card, "succeeded")]
        assert charges(stripe_client, order) == [order.payment_intent_id]


def test_library_retries_absorb_a_rate_limit(app, client, stripe_client, stripe_requests, faults):
    app.config["STRIPE_MAX_NETWORK_RETRIES"] = 2
    gateway.init_app(app)
    faults("429")
    response = pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client))
    assert response.json["next"] == "receipt"
    sent = creates(stripe_requests)
    assert [r["status"] for r in sent] == [429, 200]
    assert len({r["idempotency_key"] for r in sent}) == 1


def test_a_lost_answer_settled_meanwhile_by_a_webhook_still_lets_the_customer_finish(
        app, client, stripe_client, faults):
    """The retry must resend the first request (a create), not a confirm built from what the
    webhook told the order since, which Stripe would refuse under the same key."""
    from storefront.payments.settlement import settle

    app.config["STRIPE_TIMEOUT_SECONDS"] = 0.3
    gateway.init_app(app)
    page = open_checkout(client, SLUG)
    faults("delay", delay_ms=800)
    assert pay(client, SLUG, page, card(stripe_client)).status_code == 503
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        # Stripe finishes after the shop stopped waiting.
        found = wait_for(lambda: gateway.intents_for_order(order.public_id),
                         "Stripe finishing the payment", seconds=10)
        settle(order, found[0], "webhook")  # what payment_intent.succeeded does
    answer = pay(client, SLUG, page, card(stripe_client))
    assert answer.status_code == 200 and answer.json["next"] == "receipt"
    with app.app_context():
        [attempt] = db.session.scalars(db.select(PaymentAttempt)).all()
        assert (attempt.kind, attempt.outcome) == ("create", "succeeded")


def test_a_lease_is_given_back_when_the_work_inside_it_fails(app, client, stripe_client):
    from sqlalchemy.exc import IntegrityError

    from storefront.orders.leases import order_lease

    for _ in range(2):
        pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client))
    with app.app_context():
        first, second = db.session.scalars(db.select(Order).order_by(Order.id)).all()
        with pytest.raises(IntegrityError):
            with order_lease(first) as held:
                assert held
                first.payment_intent_id = second.payment_intent_id  # unique: the flush fails
                db.session.flush()
        db.session.rollback()
        with order_lease(db.session.get(Order, first.id)) as held:
            assert held


def test_a_lease_is_given_back_after_the_database_comes_back(app, client, stripe_client,
                                                              monkeypatch):
    """A restart of PostgreSQL takes a second or two: the lease's release waits it out, so the
    customer's next press of Pay is not "already being paid" for LEASE_SECONDS."""
    import time

    from sqlalchemy.exc import OperationalError

    from storefront.orders import leases

    pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client))
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        execute, refused = db.session.execute, []

        def restarting(statement, *args, **kwargs):
            if getattr(statement, "is_dml", False) and time.monotonic() < back_at:
                refused.append(statement)
                raise OperationalError(str(statement), {}, Exception("the database is starting up"))
            return execute(statement, *args, **kwargs)

        with leases.order_lease(order) as held:
            assert held
            back_at = time.monotonic() + 1.5  # away for a second and a half from here
            monkeypatch.setattr(db.session, "execute", restarting)
        monkeypatch.undo()
        assert len(refused) > 2
        db.session.expire_all()
        assert db.session.get(Order, order.id).lease_token is None


def test_a_retry_after_the_catalog_changed_sends_the_first_request(
        app, client, stripe_client, stripe_requests, faults):
    """`flask catalog load` renames the product between the lost answer and the retry: the retry
    still sends the very request recorded with the attempt, which Stripe answers from its record
    (a request rebuilt from the catalog would be refused under the key: 400 idempotency_error)."""
    from storefront.models import Product

    app.config["STRIPE_TIMEOUT_SECONDS"] = 0.3
    gateway.init_app(app)
    page = open_checkout(client, SLUG)
    faults("delay", delay_ms=800)
    first_card = card(stripe_client)
    assert pay(client, SLUG, page, first_card).status_code == 503
    with app.app_context():
        db.session.scalar(db.select(Product).filter_by(slug=SLUG)).name = "City Lights poster, 2nd ed."
        db.session.commit()
    answer = pay_until_answered(client, page, stripe_client)
    assert answer.json["next"] == "receipt", answer.json
    sent = creates(stripe_requests)
    assert len({r["idempotency_key"] for r in sent}) == 1
    assert [r["replayed"] for r in sent if r["status"] == 200] == [False, True]
    with app.app_context():
        [order] = db.session.scalars(db.select(Order)).all()
        assert charges(stripe_client, order) == [order.payment_intent_id]
        assert stripe_client.payment_intents.retrieve(order.payment_intent_id).description \
            == "City Lights poster"
