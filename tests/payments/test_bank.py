"""Paying from a bank account, on the shop's side: where it is offered, one intent however often
the pay form is sent, and orders left processing (lost webhooks) settled by reconcile."""
from datetime import timedelta

import requests

from storefront.models import Order, PaymentAttempt, utcnow
from storefront.payments.reconcile import reconcile
from storefront.web.extensions import db
from tests.emulator.bank import (
    INSUFFICIENT_FUNDS,
    MANDATE_DATA,
    SUCCEEDS,
    debit_confirmed,
    typed_in,
)
from tests.helpers import open_checkout, pay

SLUG = "city-lights-poster"  # USD


def pay_by_bank(client, slug=SLUG, page=None):
    page = page or open_checkout(client, slug, method="us_bank_account")
    return pay(client, slug, page, "", method="us_bank_account")


def test_the_bank_option_is_offered_for_usd_only(client):
    assert 'value="us_bank_account"' in client.get(f"/p/{SLUG}").get_data(as_text=True)
    mug = client.get("/p/ceramic-mug").get_data(as_text=True)  # JPY
    assert 'value="us_bank_account"' not in mug and 'data-method-panel="us_bank_account"' not in mug
    refused = pay_by_bank(client, "ceramic-mug")
    assert refused.status_code == 400 and refused.json["message"] == "Choose a way to pay."


def test_the_pay_form_sent_again_makes_no_second_intent(app, client, stripe_client):
    page = open_checkout(client, SLUG, method="us_bank_account")
    first, again = pay_by_bank(client, page=page), pay_by_bank(client, page=page)
    assert first.json["next"] == again.json["next"] == "collect"
    assert first.json["client_secret"] == again.json["client_secret"]
    with app.app_context():
        [attempt] = db.session.scalars(db.select(PaymentAttempt)).all()
        assert (attempt.method, attempt.kind, attempt.outcome) == ("us_bank_account", "create", "created")
        intent = stripe_client.payment_intents.retrieve(attempt.payment_intent_id)
    # $18.00 less the 2% bank discount, and $6.00 to ship it
    assert intent.payment_method_types == ["us_bank_account"] and intent.amount == 2364
    assert intent.metadata["order_public_id"] == first.json["order"]


def test_reconcile_settles_a_processing_order_whose_webhooks_were_lost(app, client, stripe_client,
                                                                       local_stripe):
    answer = pay_by_bank(client)
    intent_id = answer.json["client_secret"].split("_secret_")[0]
    debit_confirmed(stripe_client, intent_id, INSUFFICIENT_FUNDS)
    page = open_checkout(client, SLUG, method="us_bank_account")
    assert client.post(answer.json["confirm_url"], data={"csrf_token": page["csrf_token"]}).json["next"] == "receipt"
    requests.post(f"{local_stripe.url}/_emulator/clock/advance", json={"days": 6}).raise_for_status()
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert order.status == "processing"  # no webhook endpoint here: nothing told the shop
        order.updated_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        outbox = app.extensions.setdefault("mail_outbox", [])
        assert reconcile(timedelta(minutes=10), timedelta(days=1)) == {"now failed": 1}
        order = db.session.scalar(db.select(Order))
        assert order.status == "failed" and order.transitions[-1].source == "reconcile"
        assert "did not have enough funds" in order.last_error
        assert [m["Subject"] for m in outbox] == [f"Your payment for order #{order.id} did not go through"]


def test_reconcile_leaves_an_order_waiting_for_microdeposits_alone(app, client, stripe_client):
    answer = pay_by_bank(client)
    intent_id = answer.json["client_secret"].split("_secret_")[0]
    stripe_client.payment_intents.confirm(intent_id, {"payment_method_data": typed_in(SUCCEEDS),
                                                      "mandate_data": MANDATE_DATA})
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        order.updated_at = utcnow() - timedelta(days=2)  # past --cancel-after's day
        db.session.commit()
        assert reconcile(timedelta(minutes=10), timedelta(days=1)) == {"now requires_action": 1}
    assert stripe_client.payment_intents.retrieve(intent_id).status == "requires_action"
