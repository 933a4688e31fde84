"""POST /webhooks/stripe: verified on the raw body, once per event, safe out of order."""
import json
import time

import pytest
import requests

from storefront.models import Order, StripeEvent
from storefront.web.extensions import db
from tests.helpers import (
    Browser,
    card,
    deliver_held_events_reversed_and_twice,
    event,
    open_checkout,
    pay,
    signed,
)
from tests.waiting import wait_for

SLUG = "city-lights-poster"


def post_event(client, payload, secret="whsec_testing", header=None):
    return client.post("/webhooks/stripe", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": header or signed(payload, secret)})


def paid_order(client, stripe_client):
    """An order paid through the pay endpoint, and its PaymentIntent."""
    response = pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client))
    assert response.json["next"] == "receipt"
    order = db.session.scalar(db.select(Order))
    return order, stripe_client.payment_intents.retrieve(order.payment_intent_id)


def test_signature_is_checked_on_the_raw_body(client):
    payload = event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent", "metadata": {}})
    assert post_event(client, payload).status_code == 200
    forged = post_event(client, payload, secret="whsec_someone_else")
    assert forged.status_code == 400
    reserialised = json.dumps(json.loads(payload), indent=2).encode()
    assert post_event(client, reserialised, header=signed(payload, "whsec_testing")).status_code == 400
    assert client.post("/webhooks/stripe", data=payload).status_code == 400  # no signature
    stale = signed(payload, "whsec_testing", timestamp=time.time() - 3600)
    assert post_event(client, payload, header=stale).status_code == 400


def test_a_signature_dated_in_the_future_is_refused(client):
    """The stripe library checks only that a signature is not too old; one dated an hour ahead
    would stay replayable for that hour."""
    payload = event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent", "metadata": {}})
    ahead = signed(payload, "whsec_testing", timestamp=time.time() + 3600)
    assert post_event(client, payload, header=ahead).status_code == 400
    # A sender's clock a minute fast is within the tolerance.
    skewed = signed(payload, "whsec_testing", timestamp=time.time() + 60)
    assert post_event(client, payload, header=skewed).status_code == 200


def test_unknown_order_is_not_acknowledged_so_stripe_retries(app, client):
    intent = {"id": "pi_x", "object": "payment_intent", "status": "succeeded", "amount": 1800,
              "currency": "usd", "metadata": {"order_id": "99", "order_public_id": "no-such-order"}}
    response = post_event(client, event("payment_intent.succeeded", intent))
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(StripeEvent)) is None


def test_events_for_other_integrations_are_acknowledged_and_ignored(client):
    intent = {"id": "pi_other", "object": "payment_intent", "status": "succeeded", "metadata": {}}
    assert post_event(client, event("payment_intent.succeeded", intent)).status_code == 200


def test_webhook_pays_an_order_whose_browser_never_heard_back(app, client, stripe_client, outbox):
    with app.app_context():
        order, intent = paid_order(client, stripe_client)
        # Rewind the order as if the browser's answer had been lost after Stripe charged.
        order.status, order.fulfilled_at, order.receipt_sent_at = "pending", None, None
        db.session.commit()
        outbox.clear()
        payload = event("payment_intent.succeeded", intent.to_dict(), "evt_paid")
        assert post_event(client, payload).status_code == 200
        assert post_event(client, payload).status_code == 200  # a redelivery
        db.session.refresh(order)
        assert order.status == "paid"
        assert [t.source for t in order.transitions][-1] == "webhook"
        assert len(outbox) == 1 and outbox[0]["To"] == "ada@example.com"
        assert db.session.scalars(db.select(StripeEvent.id)).all() == ["evt_paid"]


def test_a_late_decline_never_unpays_an_order(app, client, stripe_client):
    with app.app_context():
        order, intent = paid_order(client, stripe_client)
        stale = {**intent.to_dict(), "status": "requires_payment_method",
                 "last_payment_error": {"code": "card_declined", "decline_code": "generic_decline"}}
        assert post_event(client, event("payment_intent.payment_failed", stale)).status_code == 200
        db.session.refresh(order)
        assert order.status == "paid"


def test_refund_events_in_any_order(app, client, stripe_client):
    with app.app_context():
        order, intent = paid_order(client, stripe_client)
        charge = stripe_client.charges.retrieve(intent.latest_charge).to_dict()
        full = {**charge, "amount_refunded": order.total, "refunded": True}
        partial = {**charge, "amount_refunded": 500, "refunded": False}
        assert post_event(client, event("charge.refunded", partial, "evt_r1")).status_code == 200
        db.session.refresh(order)
        assert (order.status, order.amount_refunded) == ("partially_refunded", 500)
        assert post_event(client, event("charge.refunded", full, "evt_r2")).status_code == 200
        assert post_event(client, event("charge.refunded", partial, "evt_r3")).status_code == 200
        db.session.refresh(order)
        assert (order.status, order.amount_refunded) == ("refunded", order.total)


def test_real_deliveries_out_of_order_and_twice_fulfil_once(app, shop, local_stripe, stripe_client, outbox):
    """The local Stripe holds its webhooks, then delivers them shuffled, and again."""
    requests.post(f"{local_stripe.url}/_emulator/events/hold")
    try:
        browsers = [Browser(shop.url, SLUG) for _ in range(3)]
        answers = [b.pay(card(stripe_client, number)).json()["next"] for b, number in
                   zip(browsers, ["4242424242424242", "4000000000009995", "4242424242424242"])]
        assert answers == ["receipt", "retry", "receipt"]
        wait_for(lambda: len(outbox) >= 2, "the receipts were not sent")  # just after the answers
        outbox.clear()
    finally:
        deliver_held_events_reversed_and_twice(local_stripe.url, shop.url)
    with app.app_context():
        statuses = db.session.scalars(db.select(Order.status).order_by(Order.id)).all()
    assert statuses == ["paid", "failed", "paid"]
    assert outbox == []  # the browser's answer had fulfilled them already


def test_a_second_payment_for_a_paid_order_is_refunded(app, client, stripe_client):
    """The safety net under every other guard: money taken twice for one order goes back."""
    with app.app_context():
        order, first = paid_order(client, stripe_client)
        second = stripe_client.payment_intents.create({
            "amount": order.total, "currency": "usd", "payment_method": card(stripe_client),
            "allowed_payment_method_types": ["card"], "confirm": True,
            "metadata": {"order_id": str(order.id), "order_public_id": order.public_id},
        })
        payload = event("payment_intent.succeeded", second.to_dict(), "evt_second")
        assert post_event(client, payload).status_code == 200
        refunds = stripe_client.refunds.list({"payment_intent": second.id}).data
        assert [(r.amount, r.reason) for r in refunds] == [(order.total, "duplicate")]
        assert stripe_client.refunds.list({"payment_intent": first.id}).data == []
        db.session.refresh(order)
        assert (order.status, order.payment_intent_id) == ("paid", first.id)


def a_stranger_intent(stripe_client, order, amount=None, currency="usd"):
    """A real, succeeded PaymentIntent carrying the order's metadata that none of the order's
    attempts made (another integration on the account, or someone with a leaked key)."""
    return stripe_client.payment_intents.create({
        "amount": amount or order.total, "currency": currency, "payment_method": card(stripe_client),
        "allowed_payment_method_types": ["card"], "confirm": True,
        "metadata": {"order_id": str(order.id), "order_public_id": order.public_id},
    })


@pytest.mark.parametrize("whose, amount", [("stranger", None), ("own", 1), ("stranger", 1)])
def test_a_success_that_is_not_the_orders_payment_only_flags_it(app, client, stripe_client, outbox,
                                                                whose, amount):
    """Issue 11 point 7: a signed payment_intent.succeeded marks an order paid only when its
    PaymentIntent is one of the order's attempts, for the order's amount and currency."""
    from storefront.admin import accounts
    from tests.admin.helpers import log_in

    with app.app_context():
        declined = pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client, "4000000000000002"))
        assert declined.status_code == 402
        order = db.session.scalar(db.select(Order))
        intent = (a_stranger_intent(stripe_client, order) if whose == "stranger"
                  else stripe_client.payment_intents.retrieve(order.payment_intent_id)).to_dict()
        reported = {**intent, "status": "succeeded", "amount": amount or intent["amount"]}
        assert post_event(client, event("payment_intent.succeeded", reported, "evt_odd")).status_code == 200
        order = db.session.scalar(db.select(Order))
        assert order.status == "failed" and order.paid_at is None and outbox == []
        assert "not applied" in order.needs_look
        assert order.transitions[-1].note == f"Needs a look: {order.needs_look}"
        accounts.create_admin("owner@example.com", "correct horse battery staple")
        order_id = order.id
    assert log_in(client).status_code == 302
    page = client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert "Needs a look: Stripe reported" in page
