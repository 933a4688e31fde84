"""API keys: secret keys everywhere, publishable keys only where Stripe lets a browser in."""
import pytest
import requests
import stripe

from tests.emulator.conftest import PUBLISHABLE_KEY

PUBLISHABLE_REFUSED = "This API call cannot be made with a publishable API key."


@pytest.fixture
def intent(stripe_client):
    return stripe_client.v1.payment_intents.create({
        "amount": 1200, "currency": "usd", "allowed_payment_method_types": ["card"],
        "metadata": {"order_id": "3"}, "confirmation_method": "manual"})


@pytest.mark.parametrize("call", [
    lambda client, intent: client.v1.payment_intents.create({"amount": 100, "currency": "usd"}),
    lambda client, intent: client.v1.payment_intents.update(intent.id, {"description": "x"}),
    lambda client, intent: client.v1.payment_intents.cancel(intent.id),
    lambda client, intent: client.v1.refunds.create({"payment_intent": intent.id}),
    lambda client, intent: client.v1.events.list(),
    lambda client, intent: client.v1.customers.create({}),
    lambda client, intent: client.v1.webhook_endpoints.list(),
])
def test_publishable_key_is_refused_where_stripe_refuses_it(call, browser_client, intent):
    with pytest.raises(stripe.AuthenticationError) as refused:
        call(browser_client, intent)
    assert refused.value.http_status == 401
    assert refused.value.user_message.startswith(PUBLISHABLE_REFUSED)
    assert refused.value.error.type == "invalid_request_error"


def test_publishable_key_reads_an_intent_with_its_client_secret(browser_client, intent):
    seen = browser_client.v1.payment_intents.retrieve(intent.id,
                                                      {"client_secret": intent.client_secret})
    assert (seen.id, seen.status, seen.amount) == (intent.id, "requires_payment_method", 1200)
    assert "metadata" not in seen and "latest_charge" not in seen


def test_publishable_key_needs_the_right_client_secret(browser_client, intent):
    with pytest.raises(stripe.InvalidRequestError) as missing:
        browser_client.v1.payment_intents.retrieve(intent.id)
    assert missing.value.code == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError) as wrong:
        browser_client.v1.payment_intents.retrieve(
            intent.id, {"client_secret": "pi_other_secret_nope"})
    assert wrong.value.param == "client_secret"


def test_a_manual_confirmation_intent_is_confirmed_by_the_server_only(browser_client, card,
                                                                     intent):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        browser_client.v1.payment_intents.confirm(intent.id, {
            "client_secret": intent.client_secret,
            "payment_method": card("4242424242424242").id})
    assert "secret key" in refused.value.user_message


def test_the_secret_key_sees_everything(stripe_client, intent):
    assert stripe_client.v1.payment_intents.retrieve(intent.id).metadata["order_id"] == "3"


@pytest.mark.parametrize("authorization, message", [
    (None, "You did not provide an API key."),
    ("Bearer sk_live_123", "Invalid API Key provided: sk_live_"),
    ("Bearer nonsense", "Invalid API Key provided"),
])
def test_missing_or_unknown_keys_are_401(emulator, authorization, message):
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.get(f"{emulator.url}/v1/events", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith(message)


def test_a_bad_key_through_the_library(emulator):
    with pytest.raises(stripe.AuthenticationError):
        emulator.client("sk_live_not_a_test_key").v1.customers.create({})


def test_stripe_js_may_call_from_any_origin(emulator):
    preflight = requests.options(f"{emulator.url}/v1/payment_methods", headers={
        "Origin": "http://shop.test", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]

    created = requests.post(f"{emulator.url}/v1/payment_methods", headers={
        "Origin": "http://shop.test", "Authorization": f"Bearer {PUBLISHABLE_KEY}"}, data={
        "type": "card", "card[number]": "4242424242424242", "card[exp_month]": "1",
        "card[exp_year]": "2035"})
    assert created.status_code == 200
    assert created.headers["Access-Control-Allow-Origin"] == "*"
    assert created.headers["Request-Id"].startswith("req_")
