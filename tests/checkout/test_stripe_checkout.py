"""Stripe Checkout on the server's side (CHECKOUT_MODE hosted and embedded), without a browser:
which page a product gets, "Continue to payment" (re-pricing, one order, the session Stripe is
asked for), the return page, the checkout.session.* webhooks and reconcile."""
import time
from datetime import timedelta

import pytest
import requests

import config as shop_config
from storefront import create_app
from storefront.models import Order, Product
from storefront.payments import gateway
from storefront.payments.reconcile import reconcile
from storefront.web.extensions import db
from tests.helpers import STRIPE_PAGE_SHIPPING, card, event, open_checkout, signed

pytestmark = pytest.mark.usefixtures("fresh_local_stripe")
SLUG = "city-lights-poster"
EMAIL = "ada@example.com"


@pytest.fixture
def app_config():
    return {"CHECKOUT_MODE": "hosted"}


def continue_to_payment(client, page, email=EMAIL, **fields):
    return client.post(f"/p/{SLUG}/continue", data={**page, "email": email, **fields})


def the_order():
    return db.session.scalar(db.select(Order))


def let_the_interval_pass(app):
    """As if the return page last asked Stripe 30 seconds ago (STRIPE_READ_INTERVAL_SECONDS)."""
    with app.app_context():
        order = the_order()
        order.stripe_read_at -= timedelta(seconds=30)
        db.session.commit()


def pay_on_stripes_page(local_stripe, session_id, payment_method):
    """What Stripe's Checkout page does with its Pay button (its own endpoint, publishable key)."""
    response = requests.post(f"{local_stripe.url}/v1/payment_pages/{session_id}/confirm",
                             data={"payment_method": payment_method, **STRIPE_PAGE_SHIPPING},
                             headers={"Authorization": "Bearer pk_test_testing"})
    response.raise_for_status()
    return response.json()


def post_event(client, event_type, obj, event_id):
    payload = event(event_type, obj, event_id)
    return client.post("/webhooks/stripe", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": signed(payload, "whsec_testing")})


def session_event(client, event_type, order, event_id="evt_cs_1"):
    return post_event(client, event_type, {
        "id": order.checkout_session_id, "object": "checkout.session",
        "metadata": {"order_id": str(order.id), "order_public_id": order.public_id}}, event_id)


# Which page


def test_each_product_is_paid_the_way_its_catalog_entry_or_the_shop_says(make_app):
    app = make_app(CHECKOUT_MODE="elements")
    with app.app_context():
        db.session.scalar(db.select(Product).filter_by(slug="organic-tee")).checkout_mode = "embedded"
        db.session.commit()
    client = app.test_client()
    poster, tee = client.get(f"/p/{SLUG}").text, client.get("/p/organic-tee").text
    assert "data-pay-button" in poster and "Continue to payment" not in poster
    assert "Continue to payment" in tee and "data-pay-button" not in tee
    assert 'src="/static/js/pay.js' not in tee  # no card fields to mount
    # The card fields answer only for their own products; Stripe's page also takes a card-field
    # product, from the pay panel's <noscript> button (without JavaScript): its hosted page.
    assert client.post("/p/organic-tee/pay", data=open_checkout(client, "organic-tee")).status_code == 400
    response = client.post(f"/p/{SLUG}/continue", data=open_checkout(client, SLUG) | {"email": "ada@example.com"})
    assert response.status_code == 303 and "/c/pay/cs_" in response.location


@pytest.mark.parametrize("setting, value", [("CHECKOUT_MODE", "stripe"),
                                            ("CHECKOUT_SESSION_MINUTES", 10),
                                            ("CHECKOUT_SESSION_MINUTES", 25 * 60)])
def test_the_shop_refuses_a_checkout_setting_stripe_cannot_use(setting, value):
    with pytest.raises(shop_config.ConfigError, match=setting):
        create_app("testing", **{setting: value})


def test_ui_mode_is_spelled_as_the_api_version_spells_it():
    assert gateway.ui_mode("embedded", "2025-09-30.clover") == "embedded"
    assert gateway.ui_mode("hosted", "2026-03-24") == "hosted"
    assert gateway.ui_mode("embedded", "2026-03-25.dahlia") == "embedded_page"
    assert gateway.ui_mode("hosted", "2026-10-28.endive") == "hosted_page"


# Continue to payment


def test_continue_opens_a_checkout_session_for_exactly_the_order(app, client, stripe_client,
                                                                stripe_requests):
    page = open_checkout(client, SLUG)
    page = open_checkout(client, SLUG) | {"expected_total": "22350"}
    response = continue_to_payment(client, page, quantity="10", **{"option-size": "a1",
                                                                   "addon": "gift-tube"})
    assert response.status_code == 303
    with app.app_context():
        order = the_order()
        assert (order.checkout_mode, order.total, order.email) == ("hosted", 22350, EMAIL)
        session = stripe_client.checkout.sessions.retrieve(order.checkout_session_id,
                                                           {"expand": ["line_items"]})
        assert response.headers["Location"] == session.url
        assert session.amount_total == order.total and session.currency == "usd"
        assert [(item.description, item.quantity, item.price.unit_amount)
                for item in session.line_items.data] == [
            ("City Lights poster (A1), volume price for 10 or more", 10, 2200),
            ("Gift tube with ribbon", 1, 350)]
        assert session.client_reference_id == order.public_id
        assert session.metadata["order_id"] == str(order.id)
        assert session.customer_email == EMAIL
        assert session.mode == "payment" and session.ui_mode == "hosted_page"
        assert session.success_url.endswith(
            f"/orders/{order.public_id}/checkout/return?session_id={{CHECKOUT_SESSION_ID}}")
        assert session.cancel_url.endswith(f"/orders/{order.public_id}/checkout/cancelled")
        minutes = (session.expires_at - time.time()) / 60
        assert 55 < minutes <= 60
        [create] = stripe_requests(path="/v1/checkout/sessions", method="POST")
        assert create["idempotency_key"] == f"order-{order.public_id}-session-1"


def test_a_changed_total_opens_no_page(app, client, stripe_requests):
    page = open_checkout(client, SLUG) | {"expected_total": "1"}
    response = continue_to_payment(client, page)
    assert response.status_code == 409
    assert "The price has changed to $24.00" in response.text  # $6.00 to ship it
    assert "press Continue to payment again" in response.text
    assert stripe_requests() == []
    with app.app_context():
        assert the_order() is None


def test_a_missing_email_is_asked_for_on_the_page(app, client, stripe_requests):
    response = continue_to_payment(client, open_checkout(client, SLUG), email="")
    assert response.status_code == 400
    assert "Enter your email for the receipt." in response.text
    assert stripe_requests() == []


def test_continuing_again_reuses_the_open_page_and_a_new_email_gets_a_new_one(
        app, client, stripe_client, stripe_requests):
    page = open_checkout(client, SLUG)
    first = continue_to_payment(client, page).headers["Location"]
    assert continue_to_payment(client, page).headers["Location"] == first
    assert len(stripe_requests(path="/v1/checkout/sessions", method="POST")) == 1
    second = continue_to_payment(client, page, email="grace@example.com").headers["Location"]
    assert second != first
    with app.app_context():
        order = the_order()
        assert order.email == "grace@example.com"
        assert [attempt.outcome for attempt in order.attempts] == ["canceled", "created"]
        old = first.rsplit("/", 1)[1]
        assert stripe_client.checkout.sessions.retrieve(old).status == "expired"


def test_an_unreachable_stripe_keeps_the_customer_on_the_page(app, client, local_stripe):
    url = f"{local_stripe.url}/_emulator/faults"
    requests.post(url, json={"kind": "drop", "method": "POST",
                             "path": "/v1/checkout/sessions"}).raise_for_status()
    page = open_checkout(client, SLUG)
    try:
        response = continue_to_payment(client, page)
    finally:
        requests.delete(url)
    assert response.status_code == 503
    assert "press Continue to payment again" in response.text
    with app.app_context():
        assert the_order().status == "pending"
    # Stripe may have made that page: asking again sends the same request, with the same key.
    assert continue_to_payment(client, open_checkout(client, SLUG) | {
        "checkout_token": page["checkout_token"]}).status_code == 303
    with app.app_context():
        assert [a.idempotency_key for a in the_order().attempts] == [
            f"order-{the_order().public_id}-session-1"]


# Coming back from Stripe's page


def test_the_return_page_shows_the_receipt_only_once_paid(app, client, stripe_client, local_stripe,
                                                          outbox):
    continue_to_payment(client, open_checkout(client, SLUG))
    with app.app_context():
        order = the_order()
    back = f"/orders/{order.public_id}/checkout/return?session_id={order.checkout_session_id}"
    assert client.get(back.replace(order.checkout_session_id, "cs_test_other")).status_code == 404

    unpaid = client.get(back)
    assert unpaid.status_code == 200 and "Payment not completed" in unpaid.text
    assert "Return to the payment page" in unpaid.text

    pay_on_stripes_page(local_stripe, order.checkout_session_id, card(stripe_client))
    let_the_interval_pass(app)  # within it, the page shows what it learned and waits for webhooks
    paid = client.get(back)
    assert paid.status_code == 303 and paid.headers["Location"] == f"/orders/{order.public_id}"
    with app.app_context():
        order = the_order()
        assert order.status == "paid" and order.payment_intent_id.startswith("pi_")
        assert order.transitions[-1].source == "browser"
        intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
        assert intent.metadata["order_id"] == str(order.id) and intent.amount == order.total
    assert len(outbox) == 1
    client.get(back)
    assert len(outbox) == 1


def test_a_declined_card_on_stripes_page_leaves_the_order_payable(app, client, stripe_client,
                                                                  local_stripe):
    continue_to_payment(client, open_checkout(client, SLUG))
    with app.app_context():
        order = the_order()
    with pytest.raises(requests.HTTPError):
        pay_on_stripes_page(local_stripe, order.checkout_session_id,
                            card(stripe_client, "4000000000000002"))
    back = f"/orders/{order.public_id}/checkout/return?session_id={order.checkout_session_id}"
    assert "Payment not completed" in client.get(back).text
    pay_on_stripes_page(local_stripe, order.checkout_session_id, card(stripe_client))
    let_the_interval_pass(app)
    assert client.get(back).status_code == 303
    with app.app_context():
        assert the_order().status == "paid"


# Webhooks and reconcile


def test_the_intents_event_and_completed_twice_pay_and_fulfil_once(
        app, client, stripe_client, local_stripe, outbox):
    continue_to_payment(client, open_checkout(client, SLUG))
    with app.app_context():
        order = the_order()
    pay_on_stripes_page(local_stripe, order.checkout_session_id, card(stripe_client))
    session = stripe_client.checkout.sessions.retrieve(order.checkout_session_id)
    intent = stripe_client.payment_intents.retrieve(session.payment_intent)
    # The intent's own event may come first: the intent Stripe made for the order's page is the
    # order's (never flagged as a stranger's), and pays it.
    assert post_event(client, "payment_intent.succeeded", intent.to_dict(), "evt_pi").status_code == 200
    with app.app_context():
        order = the_order()
        assert (order.status, order.payment_intent_id, order.needs_look) == ("paid", intent.id, None)
    for _ in range(2):
        assert session_event(client, "checkout.session.completed", order).status_code == 200
    with app.app_context():
        order = the_order()
        assert [t.source for t in order.transitions if t.to_status == "paid"] == ["webhook"]
        assert order.needs_look is None
    assert len(outbox) == 1


def test_completed_alone_pays_and_records_the_intent(app, client, stripe_client, local_stripe, outbox):
    continue_to_payment(client, open_checkout(client, SLUG))
    with app.app_context():
        order = the_order()
    pay_on_stripes_page(local_stripe, order.checkout_session_id, card(stripe_client))
    for event_id in ("evt_cs_1", "evt_cs_2"):  # a second event for the same session, too
        assert session_event(client, "checkout.session.completed", order, event_id).status_code == 200
    with app.app_context():
        order = the_order()
        assert order.status == "paid" and order.last_attempt.payment_intent_id == order.payment_intent_id
        assert order.last_attempt.outcome == "succeeded"
    assert len(outbox) == 1


def test_an_expired_page_cancels_its_order(app, client, stripe_client):
    continue_to_payment(client, open_checkout(client, SLUG))
    with app.app_context():
        order = the_order()
    stripe_client.checkout.sessions.expire(order.checkout_session_id)
    assert session_event(client, "checkout.session.expired", order).status_code == 200
    with app.app_context():
        order = the_order()
        assert order.status == "canceled" and order.last_attempt.outcome == "canceled"


def test_an_event_for_an_older_page_of_the_order_is_not_applied(app, client, stripe_client):
    page = open_checkout(client, SLUG)
    continue_to_payment(client, page)
    with app.app_context():
        old = the_order()
    continue_to_payment(client, page, email="grace@example.com")  # the first page is expired
    assert session_event(client, "checkout.session.expired", old).status_code == 200
    with app.app_context():
        order = the_order()
        assert order.status == "pending" and "not this order's current one" in order.needs_look


def test_reconcile_expires_an_abandoned_page_and_cancels_its_order(app, client, stripe_client):
    continue_to_payment(client, open_checkout(client, SLUG))
    with app.app_context():
        assert reconcile(timedelta(0), timedelta(days=1)) == {"now pending": 1}  # not abandoned yet
        assert reconcile(timedelta(0), timedelta(0)) == {"canceled (abandoned)": 1}
        order = the_order()
        assert order.status == "canceled" and order.transitions[-1].source == "reconcile"
        assert stripe_client.checkout.sessions.retrieve(order.checkout_session_id).status == "expired"


def test_reconcile_finds_a_page_paid_while_every_answer_was_lost(app, client, stripe_client,
                                                                 local_stripe, outbox):
    continue_to_payment(client, open_checkout(client, SLUG))
    with app.app_context():
        order = the_order()
    pay_on_stripes_page(local_stripe, order.checkout_session_id, card(stripe_client))
    with app.app_context():
        assert reconcile(timedelta(0), timedelta(0)) == {"now paid": 1}
        assert the_order().status == "paid"
    assert len(outbox) == 1


def test_a_total_over_stripes_largest_amount_opens_no_page(app, client, stripe_requests, orders):
    """The product page's own check holds for Stripe's page too: $45.00 and a $999,999.00 tip
    is more than Stripe takes in one payment ($999,999.99)."""
    page = open_checkout(client, "letterpress-workshop")
    response = client.post("/p/letterpress-workshop/continue",
                           data={**page, "email": EMAIL, "tip": "custom", "tip_custom": "999999.00"})
    assert response.status_code == 400
    assert "This comes to more than $999,999.99, the most we can take in one payment" in response.text
    assert orders() == [] and stripe_requests(method="POST", path="/v1/checkout/sessions") == []
