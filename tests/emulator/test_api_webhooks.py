"""Events and webhooks: signed deliveries, retries, held and reordered deliveries, endpoints."""
import json

import pytest
import requests
import stripe

from stripe_emulator.machinery.versions import DEFAULT_API_VERSION
from tests.emulator.conftest import RETRY_DELAYS, WEBHOOK_SECRET
from tests.waiting import wait_for


def of_type(event_type):
    return lambda delivery: json.loads(delivery["body"])["type"] == event_type


def event_id(delivery):
    return json.loads(delivery["body"])["id"]


def test_deliveries_are_signed_for_construct_event(card, pay, webhook_receiver):
    intent = pay(card("4242424242424242").id, metadata={"order_id": "42"})

    [delivery] = webhook_receiver.wait_for(of_type("payment_intent.succeeded"))

    event = stripe.Webhook.construct_event(delivery["body"],
                                           delivery["headers"]["Stripe-Signature"],
                                           WEBHOOK_SECRET)
    assert event.id.startswith("evt_")
    assert event.data.object.id == intent.id
    assert event.data.object.status == "succeeded"
    assert event.data.object.metadata["order_id"] == "42"
    assert event.livemode is False
    assert event.pending_webhooks == 1
    assert event.request.idempotency_key
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivery["body"].replace(b"42", b"43"),
                                       delivery["headers"]["Stripe-Signature"], WEBHOOK_SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivery["body"], delivery["headers"]["Stripe-Signature"],
                                       "whsec_someone_else")


def test_the_request_that_caused_an_event_is_named(stripe_client, webhook_receiver):
    customer = stripe_client.v1.customers.create({"email": "ada@example.test"},
                                                 {"idempotency_key": "signup-7"})
    [delivery] = webhook_receiver.wait_for(of_type("customer.created"))
    event = json.loads(delivery["body"])
    assert event["data"]["object"]["id"] == customer.id
    assert event["request"]["idempotency_key"] == "signup-7"
    assert event["request"]["id"] == customer.last_response.request_id


def test_a_failing_receiver_gets_the_event_again(stripe_client, webhook_receiver, emulator):
    webhook_receiver.fail_next = 1
    stripe_client.v1.customers.create({})

    first, second = webhook_receiver.wait_for(of_type("customer.created"), count=2)

    assert event_id(first) == event_id(second)
    assert (first["answered"], second["answered"]) == (500, 200)
    attempts = emulator.control("GET", f"/deliveries?event_id={event_id(first)}")
    assert [(a["attempt"], a["status"], a["outcome"]) for a in attempts] == \
        [(1, 500, "retrying"), (2, 200, "succeeded")]


def test_delivery_gives_up_after_the_last_retry(stripe_client, webhook_receiver, emulator):
    webhook_receiver.fail_next = 100
    stripe_client.v1.customers.create({})
    tries = 1 + len(RETRY_DELAYS)

    received = webhook_receiver.wait_for(of_type("customer.created"), count=tries)
    deliveries = f"/deliveries?event_id={event_id(received[0])}"
    # Given up: the last attempt is recorded as failed, and no other is scheduled.
    attempts = wait_for(lambda: (log := emulator.control("GET", deliveries)) and
                        log[-1]["outcome"] == "failed" and log, "the delivery being given up")
    assert [a["outcome"] for a in attempts] == ["retrying"] * (tries - 1) + ["failed"]
    assert len(webhook_receiver.wait_for(of_type("customer.created"))) == tries == len(received)


def test_a_slow_receiver_never_slows_the_api(stripe_client, webhook_receiver, emulator):
    webhook_receiver.delay = 2
    for _ in range(3):
        stripe_client.v1.customers.create({})
    # Every call has answered while not one delivery of theirs has been answered: the API
    # never waits for a delivery.
    assert emulator.control("GET", "/deliveries") == []
    assert webhook_receiver.wait_for(of_type("customer.created"))


def test_held_events_are_released_in_the_order_asked(stripe_client, webhook_receiver,
                                                     emulator):
    emulator.control("POST", "/events/hold")
    customers = [stripe_client.v1.customers.create({"name": name}).id for name in "ABC"]
    assert emulator.control("GET", "/deliveries") == []  # held: not one was sent

    released = emulator.control("POST", "/events/release", order="reverse")["released"]

    received = webhook_receiver.wait_for(of_type("customer.created"), count=3)
    objects = [json.loads(delivery["body"])["data"]["object"]["id"] for delivery in received]
    assert objects == list(reversed(customers))
    assert [event_id(delivery) for delivery in received] == released


def test_shuffled_release_follows_the_seed(stripe_client, webhook_receiver, emulator):
    emulator.control("POST", "/events/hold")
    for name in "ABCDEF":
        stripe_client.v1.customers.create({"name": name})

    released = emulator.control("POST", "/events/release", order="shuffle", seed=3)["released"]

    received = webhook_receiver.wait_for(of_type("customer.created"), count=6)
    assert [event_id(delivery) for delivery in received] == released
    created_order = [event.id for event in reversed(
        stripe_client.v1.events.list({"type": "customer.created"}).data)]
    assert sorted(released) == sorted(created_order)
    assert released != created_order


def test_an_event_can_be_delivered_again(stripe_client, webhook_receiver, emulator):
    stripe_client.v1.customers.create({})
    [first] = webhook_receiver.wait_for(of_type("customer.created"))

    emulator.control("POST", f"/events/{event_id(first)}/deliver")

    first, again = webhook_receiver.wait_for(of_type("customer.created"), count=2)
    assert event_id(again) == event_id(first)


def test_endpoints_registered_at_runtime_get_the_events_they_ask_for(
        stripe_client, webhook_receiver, emulator, card, pay):
    endpoint = stripe_client.v1.webhook_endpoints.create({
        "url": f"{webhook_receiver.url}/shop/webhook",
        "enabled_events": ["charge.succeeded"]})
    assert endpoint.id.startswith("we_")
    assert endpoint.secret.startswith("whsec_")

    pay(card("4242424242424242").id)

    [delivery] = webhook_receiver.wait_for(lambda d: d["path"] == "/shop/webhook")
    event = stripe.Webhook.construct_event(delivery["body"],
                                           delivery["headers"]["Stripe-Signature"],
                                           endpoint.secret)
    assert event.type == "charge.succeeded"
    # Deliveries go out one by one, in order: once a later event has arrived, every delivery
    # of the payment's events has been made.
    later = stripe_client.v1.customers.create({}).id
    webhook_receiver.wait_for(lambda d: of_type("customer.created")(d) and later.encode() in d["body"])
    assert len(webhook_receiver.wait_for(lambda d: d["path"] == "/shop/webhook")) == 1
    listed = [we.url for we in stripe_client.v1.webhook_endpoints.list().data]
    assert f"{webhook_receiver.url}/shop/webhook" in listed
    # A reset forgets endpoints made through the API, not the ones the app was started with.
    emulator.control("POST", "/reset")
    assert [we.url for we in stripe_client.v1.webhook_endpoints.list().data] == \
        [f"{webhook_receiver.url}/hook"]


def test_events_can_be_listed_by_type_and_retrieved(card, pay, stripe_client):
    intent = pay(card("4242424242424242").id)

    charge_events = stripe_client.v1.events.list({"type": "charge.*"})
    assert [event.type for event in charge_events.data] == ["charge.succeeded"]
    succeeded = stripe_client.v1.events.list({"type": "payment_intent.succeeded"}).data[0]
    assert succeeded.data.object.id == intent.id
    fetched = stripe_client.v1.events.retrieve(succeeded.id)
    # In the account's default version, not the library's that made the call.
    assert (fetched.type, fetched.api_version) == ("payment_intent.succeeded",
                                                   DEFAULT_API_VERSION)


def test_the_control_api_refuses_unknown_events(emulator):
    response = requests.post(f"{emulator.url}/_emulator/events/evt_nope/deliver")
    assert response.status_code == 404
