"""API versions: chosen per request, echoed in Stripe-Version, shaping objects and events as the
table in stripe_emulator/machinery/versions.py says; webhook endpoints keep their own version."""
import json

import pytest
import requests
import stripe

from stripe_emulator import create_app
from stripe_emulator.machinery.versions import DEFAULT_API_VERSION
from tests.emulator.conftest import PUBLISHABLE_KEY, SECRET_KEY
from tests.servers import LiveServer

VISA = "4242424242424242"
BEFORE_LATEST_CHARGE = "2022-08-01"
AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}


CLOVER = "2025-09-30.clover"


def intent_params(payment_method, types_param="allowed_payment_method_types"):
    """A card payment, its methods named as the version speaks (payment_method_types until
    2026-09-30.endive, allowed_payment_method_types from 2026-07-29.dahlia)."""
    return {"amount": 2000, "currency": "usd", "payment_method": payment_method,
            types_param: ["card"], "confirm": "true"}


def test_every_response_names_the_version_it_speaks(emulator, card):
    asked = requests.get(f"{emulator.url}/v1/payment_intents", headers={
        **AUTH, "Stripe-Version": "2024-06-20"})
    default = requests.get(f"{emulator.url}/v1/payment_intents", headers=AUTH)
    missing = requests.get(f"{emulator.url}/v1/payment_intents/pi_nope", headers=AUTH)
    unauthenticated = requests.get(f"{emulator.url}/v1/payment_intents")
    assert asked.headers["Stripe-Version"] == "2024-06-20"
    assert default.headers["Stripe-Version"] == DEFAULT_API_VERSION
    assert missing.status_code == 404 and missing.headers["Stripe-Version"] == DEFAULT_API_VERSION
    assert unauthenticated.status_code == 401 and "Stripe-Version" in unauthenticated.headers


def test_before_2022_11_15_an_intent_lists_its_charges(emulator, card):
    old = emulator.client(stripe_version=BEFORE_LATEST_CHARGE)
    intent = old.v1.payment_intents.create(intent_params(card(VISA).id, "payment_method_types"))
    assert "latest_charge" not in intent
    assert [charge.amount for charge in intent.charges.data] == [2000]
    # The charges list carries its refunds too, as every charge then did.
    old.v1.refunds.create({"payment_intent": intent.id, "amount": 500})
    again = old.v1.payment_intents.retrieve(intent.id)
    assert [refund.amount for refund in again.charges.data[0].refunds.data] == [500]


def test_from_2022_11_15_an_intent_names_its_latest_charge(stripe_client, card):
    intent = stripe_client.v1.payment_intents.create(intent_params(card(VISA).id))
    assert intent.latest_charge.startswith("ch_") and "charges" not in intent
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert "refunds" not in charge


def test_the_automatic_payment_methods_default_follows_the_version(emulator, card):
    params = {"amount": 2000, "currency": "usd"}
    before = emulator.client(stripe_version="2023-08-15").v1.payment_intents.create(params)
    since = emulator.client(stripe_version="2023-08-16").v1.payment_intents.create(params)
    assert before.automatic_payment_methods is None
    assert since.automatic_payment_methods.enabled is True
    # …which then wants a return_url on confirm, unless the payment is off-session.
    with pytest.raises(stripe.InvalidRequestError, match="return_url"):
        emulator.client().v1.payment_intents.confirm(since.id, {"payment_method": card(VISA).id})
    confirmed = emulator.client().v1.payment_intents.confirm(
        before.id, {"payment_method": card(VISA).id})
    assert confirmed.status == "succeeded"


def test_an_unknown_version_is_refused(emulator):
    answer = requests.get(f"{emulator.url}/v1/payment_intents",
                          headers={**AUTH, "Stripe-Version": "yesterday"})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "Invalid Stripe API version: yesterday"


def test_events_use_the_endpoints_version_not_the_calls(emulator, stripe_client, card,
                                                        webhook_receiver):
    old = stripe_client.v1.webhook_endpoints.create({
        "url": f"{webhook_receiver.url}/old", "enabled_events": ["payment_intent.succeeded"],
        "api_version": BEFORE_LATEST_CHARGE})
    assert old.api_version == BEFORE_LATEST_CHARGE
    # The call speaks an older version than the account's default (the library's own).
    intent = emulator.client(stripe_version=CLOVER).v1.payment_intents.create(
        intent_params(card(VISA).id, "payment_method_types"))

    def succeeded(path):
        return lambda delivery: delivery["path"] == path and \
            json.loads(delivery["body"])["type"] == "payment_intent.succeeded"
    [to_old] = webhook_receiver.wait_for(succeeded("/old"))
    [to_default] = webhook_receiver.wait_for(succeeded("/hook"))
    old_event = stripe.Webhook.construct_event(to_old["body"],
                                               to_old["headers"]["Stripe-Signature"], old.secret)
    assert old_event.api_version == BEFORE_LATEST_CHARGE
    assert [c.id for c in old_event.data.object.charges.data] == [intent.latest_charge]
    default_event = json.loads(to_default["body"])
    assert default_event["api_version"] == DEFAULT_API_VERSION != CLOVER
    assert default_event["data"]["object"]["latest_charge"] == intent.latest_charge


def test_the_account_default_is_configurable(card):
    app = create_app(api_version="2022-08-01")
    try:
        with LiveServer(app) as server:
            client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": server.url})
            browser = stripe.StripeClient(PUBLISHABLE_KEY, base_addresses={"api": server.url})
            payment_method = browser.v1.payment_methods.create({"type": "card", "card": {
                "number": VISA, "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
            answer = requests.post(f"{server.url}/v1/payment_intents", headers=AUTH, data={
                "amount": 2000, "currency": "usd", "payment_method": payment_method.id,
                "payment_method_types[]": "card", "confirm": "true"})
            assert answer.headers["Stripe-Version"] == "2022-08-01"
            assert len(answer.json()["charges"]["data"]) == 1
            event = client.v1.events.list({"type": "payment_intent.succeeded"}).data[0]
            assert event.api_version == "2022-08-01" and "charges" in event.data.object
    finally:
        app.extensions["stripe_emulator"].close()


def test_events_keep_their_version_whatever_version_lists_them(emulator, card):
    emulator.client().v1.payment_intents.create(intent_params(card(VISA).id))
    old = emulator.client(stripe_version=BEFORE_LATEST_CHARGE)
    event = old.v1.events.list({"type": "payment_intent.succeeded"}).data[0]
    assert event.api_version == DEFAULT_API_VERSION
    assert "charges" not in event.data.object and event.data.object.latest_charge
