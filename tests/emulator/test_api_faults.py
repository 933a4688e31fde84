"""Injected faults, as the official library meets them: 500, 429, a dropped connection, a delay."""

import pytest
import requests
import stripe

from tests.emulator.conftest import QuickRetryClient
from tests.waiting import wait_for

INTENT = {"amount": 2000, "currency": "usd", "allowed_payment_method_types": ["card"]}


def created_intents(stripe_client):
    return stripe_client.v1.events.list({"type": "payment_intent.created"}).data


def test_a_500_on_a_read_is_retried_by_the_library(stripe_client, emulator):
    intent = stripe_client.v1.payment_intents.create(INTENT)
    emulator.fault("500", count=1, method="GET", path="/v1/payment_intents")

    fetched = emulator.client(max_network_retries=1).v1.payment_intents.retrieve(intent.id)

    assert fetched.id == intent.id
    log = emulator.requests_log(method="GET")
    assert [(entry["status"], entry["fault"]) for entry in log] == [(500, "500"), (200, None)]


def test_a_500_on_a_write_is_saved_for_its_key_and_replayed(stripe_client, emulator):
    emulator.fault("500", count=1, path="/v1/payment_intents")

    with pytest.raises(stripe.APIError) as failed:
        emulator.client(max_network_retries=2).v1.payment_intents.create(
            INTENT, {"idempotency_key": "order-5"})

    assert failed.value.http_status == 500
    log = emulator.requests_log(path="/v1/payment_intents")
    assert [(entry["status"], entry["replayed"]) for entry in log] == \
        [(500, False), (500, True), (500, True)]
    assert created_intents(stripe_client) == []
    # A new key is a new request, and this time it runs.
    assert stripe_client.v1.payment_intents.create(INTENT, {"idempotency_key": "order-5b"})


def test_429_is_retried_by_the_library_until_it_succeeds(stripe_client, emulator):
    emulator.fault("429", count=2, method="POST")

    intent = emulator.client(max_network_retries=2).v1.payment_intents.create(INTENT)

    log = emulator.requests_log(path="/v1/payment_intents")
    assert [entry["status"] for entry in log] == [429, 429, 200]
    assert len({entry["idempotency_key"] for entry in log}) == 1
    assert [event.data.object.id for event in created_intents(stripe_client)] == [intent.id]


def test_429_without_retries_is_a_rate_limit_error(stripe_client, emulator):
    emulator.fault("429")
    with pytest.raises(stripe.RateLimitError) as limited:
        stripe_client.v1.customers.create({})
    assert limited.value.http_status == 429
    assert limited.value.error.code == "rate_limit"


def test_a_dropped_connection_is_a_connection_error_and_nothing_ran(stripe_client, emulator):
    emulator.fault("drop", path="/v1/payment_intents")

    with pytest.raises(stripe.APIConnectionError):
        stripe_client.v1.payment_intents.create(INTENT, {"idempotency_key": "dropped"})

    assert [entry["status"] for entry in emulator.requests_log()] == [None]
    assert created_intents(stripe_client) == []
    # The same key then runs the request: nothing was saved for it.
    intent = stripe_client.v1.payment_intents.create(INTENT, {"idempotency_key": "dropped"})
    assert intent.last_response.headers.get("Idempotent-Replayed") is None


def test_a_dropped_connection_is_retried_with_the_same_key(stripe_client, emulator):
    emulator.fault("drop", path="/v1/payment_intents")

    intent = emulator.client(max_network_retries=1).v1.payment_intents.create(INTENT)

    log = emulator.requests_log(path="/v1/payment_intents")
    assert [entry["status"] for entry in log] == [None, 200]
    assert log[0]["idempotency_key"] == log[1]["idempotency_key"]
    assert [event.data.object.id for event in created_intents(stripe_client)] == [intent.id]


def test_a_delay_makes_the_client_time_out_though_the_request_ran(stripe_client, emulator):
    emulator.fault("delay", delay_ms=400, path="/v1/payment_intents")
    impatient = emulator.client(http_client=QuickRetryClient(timeout=0.1))

    with pytest.raises(stripe.APIConnectionError):
        impatient.v1.payment_intents.create(INTENT, {"idempotency_key": "slow"})

    wait_for(lambda: emulator.requests_log()[0]["status"] is not None,
             "the slow request finishing", seconds=3)
    [created] = created_intents(stripe_client)
    # Retrying with the key gets the intent that was made, not a second one.
    again = stripe_client.v1.payment_intents.create(INTENT, {"idempotency_key": "slow"})
    assert again.id == created.data.object.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"


def test_retries_during_a_slow_request_wait_for_its_result(stripe_client, emulator):
    emulator.fault("delay", delay_ms=800, path="/v1/payment_intents")
    client = emulator.client(max_network_retries=5,
                             http_client=QuickRetryClient(pause=0.25, timeout=0.2))

    intent = client.v1.payment_intents.create(INTENT)

    statuses = [entry["status"] for entry in emulator.requests_log(path="/v1/payment_intents")]
    assert 409 in statuses  # the key was still in use by the first request
    assert [event.data.object.id for event in created_intents(stripe_client)] == [intent.id]


def test_faults_match_only_their_method_and_path(stripe_client, emulator):
    emulator.fault("500", count=5, path="/v1/refunds")
    assert stripe_client.v1.payment_intents.create(INTENT).status == "requires_payment_method"
    assert emulator.control("GET", "/faults")[0]["count"] == 5

    emulator.control("DELETE", "/faults")

    assert emulator.control("GET", "/faults") == []


def test_a_fault_spec_is_checked(emulator):
    response = requests.post(f"{emulator.url}/_emulator/faults", json={"kind": "teapot"})
    assert response.status_code == 400
    response = requests.post(f"{emulator.url}/_emulator/faults", json={"kind": "delay"})
    assert response.status_code == 400
