"""The shop names its Stripe API version once (STRIPE_API_VERSION): every call sends it, each
call's parameters are that version's, webhook endpoints are made at it, and an event in another
version is acknowledged but not acted on."""
import logging

import pytest
import stripe

from config import Config
from storefront.models import Order, StripeEvent
from storefront.web.extensions import db
from tests.helpers import card, event, open_checkout, pay, signed

SLUG = "city-lights-poster"
CLOVER = "2025-09-30.clover"
LIBRARY_VERSION = stripe._api_version._ApiVersion.CURRENT


def post_event(client, payload, secret="whsec_testing"):
    return client.post("/webhooks/stripe", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": signed(payload, secret)})


def test_the_shop_speaks_the_pinned_librarys_version_unless_told_otherwise(app):
    assert Config.STRIPE_API_VERSION == LIBRARY_VERSION == app.config["STRIPE_API_VERSION"]


@pytest.mark.parametrize("version, named_by", [(LIBRARY_VERSION, "allowed_payment_method_types"),
                                               (CLOVER, "payment_method_types")])
def test_a_payment_names_its_methods_in_the_words_of_the_shops_version(
        make_app, stripe_client, stripe_conformance, version, named_by):
    app = make_app(STRIPE_API_VERSION=version)
    client = app.test_client()
    start = len(stripe_conformance.requests)
    with app.app_context():
        response = pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client))
        assert response.json["next"] == "receipt"
        order = db.session.scalar(db.select(Order))
    [(_, _, body, _, _, sent_version)] = [
        request for request in stripe_conformance.requests[start:]
        if request[:2] == ("POST", "/v1/payment_intents")]
    assert sent_version == version
    assert f"{named_by}[0]=card" in body.replace("%5B", "[").replace("%5D", "]")
    assert stripe_client.payment_intents.retrieve(order.payment_intent_id).status == "succeeded"


def test_webhook_endpoints_are_created_at_the_shops_version(make_app, stripe_client,
                                                            local_stripe):
    app = make_app(STRIPE_API_VERSION=CLOVER)
    url = "https://shop.example.com/webhooks/stripe"
    result = app.test_cli_runner().invoke(args=["stripe", "webhooks", "--url", url])
    assert result.exit_code == 0, result.output
    endpoint_id = result.output.split()[1]
    assert "STRIPE_WEBHOOK_SECRET=whsec_" in result.output
    endpoint = stripe_client.webhook_endpoints.retrieve(endpoint_id)
    assert endpoint.api_version == CLOVER
    assert "payment_intent.succeeded" in endpoint.enabled_events
    stripe_client.webhook_endpoints.delete(endpoint_id)


def test_an_event_in_another_version_is_acknowledged_logged_and_recorded_not_acted_on(
        app, client, stripe_client, caplog):
    with app.app_context():
        pay(client, SLUG, open_checkout(client, SLUG),
            card(stripe_client, "4000002760003184"))  # waits for 3-D Secure
        order = db.session.scalar(db.select(Order))
        assert order.status == "requires_action"
        intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
        succeeded = {**intent.to_dict(), "status": "succeeded"}
        with caplog.at_level(logging.WARNING):
            answer = post_event(client, event("payment_intent.succeeded", succeeded,
                                              "evt_old_version", api_version=CLOVER))
        assert answer.status_code == 200
        assert "not acted on" in answer.get_data(as_text=True)
        db.session.refresh(order)
        assert order.status == "requires_action"   # never half-read
        recorded = db.session.get(StripeEvent, "evt_old_version")
        assert recorded.ignored_api_version == CLOVER
        assert any("2025-09-30.clover" in r.getMessage() and r.levelno == logging.WARNING
                   for r in caplog.records)
        # The same event in the shop's version is acted on.
        acted = post_event(client, event("payment_intent.succeeded", succeeded, "evt_new"))
        assert acted.status_code == 200
        assert db.session.get(StripeEvent, "evt_new").ignored_api_version is None
