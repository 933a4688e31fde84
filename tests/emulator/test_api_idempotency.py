"""Idempotency keys: the first result is saved and replayed; reuse with other parameters fails."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import stripe

from tests.emulator.conftest import SECRET_KEY, QuickRetryClient


def create_intent(client, key, amount=2000):
    return client.v1.payment_intents.create(
        {"amount": amount, "currency": "usd", "allowed_payment_method_types": ["card"]},
        {"idempotency_key": key})


def test_the_same_key_replays_the_first_result(stripe_client, emulator, event_types):
    first = create_intent(stripe_client, "order-1-attempt-1")
    again = create_intent(stripe_client, "order-1-attempt-1")

    assert again.id == first.id
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.last_response.headers
    assert event_types(first.id) == ["payment_intent.created"]
    log = emulator.requests_log(path="/v1/payment_intents")
    assert [(entry["replayed"], entry["object_id"]) for entry in log] == \
        [(False, first.id), (True, first.id)]


def test_the_same_key_with_other_parameters_is_an_idempotency_error(stripe_client):
    create_intent(stripe_client, "k-params", amount=2000)
    with pytest.raises(stripe.IdempotencyError) as conflict:
        create_intent(stripe_client, "k-params", amount=2100)
    assert conflict.value.http_status == 400
    assert "same parameters" in conflict.value.user_message


def test_the_same_key_on_another_endpoint_is_an_idempotency_error(stripe_client):
    create_intent(stripe_client, "k-path")
    with pytest.raises(stripe.IdempotencyError) as conflict:
        stripe_client.v1.customers.create({}, {"idempotency_key": "k-path"})
    assert "same endpoint" in conflict.value.user_message


def test_keys_are_scoped_per_api_key(stripe_client, emulator):
    other_account_key = emulator.client(SECRET_KEY + "_other")
    assert create_intent(stripe_client, "shared").id != create_intent(other_account_key,
                                                                      "shared").id


def test_a_decline_is_saved_and_replayed_without_charging_again(card, stripe_client,
                                                                event_types):
    payment_method = card("4000000000009995").id
    params = {"amount": 2000, "currency": "usd", "payment_method": payment_method,
              "allowed_payment_method_types": ["card"], "confirm": True}
    with pytest.raises(stripe.CardError) as first:
        stripe_client.v1.payment_intents.create(params, {"idempotency_key": "declined"})
    with pytest.raises(stripe.CardError) as replayed:
        stripe_client.v1.payment_intents.create(params, {"idempotency_key": "declined"})

    assert replayed.value.headers.get("Idempotent-Replayed") == "true"
    intent_id = first.value.error.payment_intent.id
    assert replayed.value.error.payment_intent.id == intent_id
    assert event_types(intent_id).count("payment_intent.payment_failed") == 1


def test_a_request_refused_by_validation_is_not_saved(stripe_client):
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.create({"amount": 2000}, {"idempotency_key": "fixed"})
    # Nothing ran, so the caller may fix the parameters and reuse the key.
    assert create_intent(stripe_client, "fixed").status == "requires_payment_method"


def test_every_library_post_carries_a_key_and_gets_it_back(stripe_client, emulator):
    intent = create_intent(stripe_client, "echoed")
    assert intent.last_response.headers["Idempotency-Key"] == "echoed"
    stripe_client.v1.customers.create({})
    generated = emulator.requests_log(path="/v1/customers")[0]["idempotency_key"]
    assert generated  # the library generates one for every POST


def test_concurrent_double_submits_create_one_payment(card, emulator, event_types):
    payment_method = card("4242424242424242").id
    params = {"amount": 2000, "currency": "usd", "payment_method": payment_method,
              "allowed_payment_method_types": ["card"], "confirm": True}

    def submit(_):
        client = emulator.client(max_network_retries=10,
                                 http_client=QuickRetryClient(pause=0.02))
        return client.v1.payment_intents.create(params, {"idempotency_key": "double-click"}).id

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(submit, range(8)))

    assert len(ids) == 1
    assert event_types(ids.pop()).count("payment_intent.succeeded") == 1
    log = emulator.requests_log(path="/v1/payment_intents")
    executed = [entry for entry in log if entry["status"] == 200 and not entry["replayed"]]
    assert len(executed) == 1
    assert {entry["status"] for entry in log} <= {200, 409}


def test_keys_are_kept_24_hours_then_pruned(stripe_client, emulator):
    first = create_intent(stripe_client, "kept-a-day")
    emulator.control("POST", "/clock/advance", seconds=24 * 3600 - 60)
    assert create_intent(stripe_client, "kept-a-day").id == first.id
    emulator.control("POST", "/clock/advance", seconds=120)
    # Stripe has forgotten the key: the same request is a new one, other parameters are fine.
    assert create_intent(stripe_client, "kept-a-day").id != first.id
    create_intent(stripe_client, "kept-a-day-2", amount=2000)
    emulator.control("POST", "/clock/advance", days=1, seconds=1)
    assert create_intent(stripe_client, "kept-a-day-2", amount=3000).amount == 3000
