"""Payments through the emulator's Stripe.js: PaymentMethods from the card Elements, 3-D Secure
challenges answered in the modal, confirmCardPayment; card numbers stay inside the emulator's
frames."""
import re

import pytest
import requests
from playwright.sync_api import expect

from tests import stripe_frames as sf
from tests.emulator.stripejs_page.fixtures import (  # noqa: F401
    emulator, host, host_page, problems, stripe_client,
)

pytestmark = pytest.mark.e2e

THREE_DS_CARD = "4000002760003184"


def run(page, call, *args):
    """Starts harness call `call` in the page without waiting for it."""
    key = f"{call}-{page.evaluate('() => Object.keys(window.results).length')}"
    page.evaluate("([key, call, args]) => harness.start(key, call, ...args)", [key, call, list(args)])
    return key


def result(page, key, timeout=15_000):
    page.wait_for_function("key => key in window.results", arg=key, timeout=timeout)
    return page.evaluate("key => window.results[key]", key)


def call(page, name, *args):
    return result(page, run(page, name, *args))


def payment_method(page, which="cardNumber"):
    outcome = call(page, "createPaymentMethod", which)
    assert "paymentMethod" in outcome, outcome
    return outcome["paymentMethod"]


def manual_intent(stripe_client, payment_method_id):
    intent = stripe_client.v1.payment_intents.create({
        "amount": 2500, "currency": "eur", "payment_method": payment_method_id,
        "allowed_payment_method_types": ["card"], "confirmation_method": "manual", "confirm": True,
    })
    assert intent.status == "requires_action"
    assert intent.next_action.type == "use_stripe_sdk"
    return intent


def test_incomplete_elements_give_a_validation_error_without_calling_the_api(host_page):
    page = host_page
    api_calls = []
    page.on("request", lambda r: api_calls.append(r.url) if "/v1/" in r.url else None)
    assert call(page, "createPaymentMethod", "cardNumber") == {"error": {
        "type": "validation_error", "code": "incomplete_number",
        "message": "Your card number is incomplete.",
    }}
    expect(page.locator("#card-number")).to_have_class(re.compile(r"\bStripeElement--invalid\b"))
    sf.type_into(sf.card_number_input(page), "4242424242424242")
    outcome = call(page, "createPaymentMethod", "cardNumber")
    assert outcome["error"]["code"] == "incomplete_expiry"
    assert api_calls == []


def test_payment_method_from_split_elements_and_card_number_stays_in_the_frames(
        host_page, emulator, stripe_client):
    page = host_page
    page.evaluate("""() => {
        window.seenMessages = [];
        window.addEventListener('message', e => window.seenMessages.push(JSON.stringify(e.data)));
    }""")
    sent = []
    page.on("request", lambda r: sent.append((r.url, r.post_data or "", r.frame.url)))

    sf.fill_card(page, "4242424242424242", "12/34", "123", container="#split-form")
    pm = payment_method(page, "cardNumber")
    assert pm["id"].startswith("pm_")
    assert pm["card"]["last4"] == "4242"
    assert pm["card"]["brand"] == "visa"

    stored = stripe_client.v1.payment_methods.retrieve(pm["id"])
    assert stored.card.last4 == "4242"
    assert (stored.card.exp_month, stored.card.exp_year) == (12, 2034)
    assert stored.billing_details.name == "Jenny Rosen"

    # Only the controller frame sent the number, and only to the emulator's API.
    with_number = [(url, frame) for url, body, frame in sent if "4242424242424242" in url + body]
    assert with_number == [(emulator.url + "/v1/payment_methods", with_number[0][1])]
    assert with_number[0][1].startswith(emulator.url + "/v3/controller.html")
    # Nothing in the host page holds it: not its DOM, not its JS state, not its messages.
    host_state = page.evaluate("""() => document.documentElement.outerHTML
        + JSON.stringify(window.events) + JSON.stringify(window.results)
        + window.seenMessages.join('')""")
    for shown in ("4242424242424242", "4242 4242 4242 4242", "123"):
        if shown == "123":
            assert '"cvc"' not in host_state
        else:
            assert shown not in host_state


def test_positional_create_payment_method_with_the_card_element(host_page, stripe_client):
    page = host_page
    sf.fill_card(page, "5555555555554444", "0135", "321", container="#card-element")
    outcome = call(page, "createPaymentMethodPositional", "card")
    pm = outcome["paymentMethod"]
    assert pm["card"]["last4"] == "4444"
    stored = stripe_client.v1.payment_methods.retrieve(pm["id"])
    assert stored.card.brand == "mastercard"
    assert stored.billing_details.address.postal_code == "94110"


def test_handle_card_action_completes_and_fails_3ds(host_page, stripe_client):
    page = host_page
    sf.fill_card(page, THREE_DS_CARD, "12/34", "123", container="#split-form")
    first, second = payment_method(page), payment_method(page)

    # Complete: the intent comes back requires_confirmation; the server confirms it.
    intent = manual_intent(stripe_client, first["id"])
    key = run(page, "handleCardAction", intent.client_secret)
    expect(sf.three_ds_modal(page)).to_be_visible()
    expect(sf.three_ds_modal(page)).to_have_attribute("src", re.compile("three-ds.*" + intent.id))
    sf.complete_3ds(page)
    outcome = result(page, key)
    assert outcome["paymentIntent"]["id"] == intent.id
    assert outcome["paymentIntent"]["status"] == "requires_confirmation"
    assert stripe_client.v1.payment_intents.confirm(intent.id).status == "succeeded"

    # Fail: an authentication error that carries the intent, back to requires_payment_method.
    intent = manual_intent(stripe_client, second["id"])
    key = run(page, "handleCardAction", intent.client_secret)
    sf.fail_3ds(page)
    error = result(page, key)["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "payment_intent_authentication_failure"
    assert error["message"]
    assert error["payment_intent"]["id"] == intent.id
    assert error["payment_intent"]["status"] == "requires_payment_method"
    expect(sf.three_ds_modal(page)).to_have_count(0)


def test_confirm_card_payment_with_3ds_and_a_decline(host_page, stripe_client, problems):
    page = host_page
    intent = stripe_client.v1.payment_intents.create({
        "amount": 1999, "currency": "usd", "allowed_payment_method_types": ["card"],
    })
    sf.fill_card(page, THREE_DS_CARD, "12/34", "123", container="#card-element")
    key = run(page, "confirmCardPayment", intent.client_secret, "card")
    sf.complete_3ds(page)
    outcome = result(page, key)
    assert outcome["paymentIntent"]["status"] == "succeeded"
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "succeeded"

    declined = stripe_client.v1.payment_intents.create({
        "amount": 1999, "currency": "usd", "allowed_payment_method_types": ["card"],
    })
    page.evaluate("() => harness.elements.card.clear()")
    sf.fill_card(page, "4000000000000002", "12/34", "123", "10001", container="#card-element")
    error = call(page, "confirmCardPayment", declined.client_secret, "card")["error"]
    assert (error["type"], error["code"], error["decline_code"]) == ("card_error", "card_declined", "generic_decline")
    assert error["payment_intent"]["status"] == "requires_payment_method"
    # Chrome logs the API's 402 answer, as it does for real Stripe.js; nothing else may show.
    problems[:] = [p for p in problems if "status of 402" not in p]

    retrieved = call(page, "retrievePaymentIntent", declined.client_secret)
    assert retrieved["paymentIntent"]["id"] == declined.id


def test_confirm_without_actions_then_handle_next_action(host_page, stripe_client):
    page = host_page
    intent = stripe_client.v1.payment_intents.create({
        "amount": 500, "currency": "gbp", "allowed_payment_method_types": ["card"],
    })
    sf.fill_card(page, THREE_DS_CARD, "12/34", "123", container="#split-form")
    outcome = call(page, "confirmWithoutActions", intent.client_secret, "cardNumber")
    assert outcome["paymentIntent"]["status"] == "requires_action"
    expect(sf.three_ds_modal(page)).to_have_count(0)

    key = run(page, "handleNextAction", intent.client_secret)
    sf.complete_3ds(page)
    assert result(page, key)["paymentIntent"]["status"] == "succeeded"


def test_stripejs_sends_its_key_in_the_body_so_no_preflight(host_page, emulator, stripe_client):
    """Real Stripe.js avoids CORS preflights: no Authorization header, the key as a form field."""
    page = host_page
    log_start = len(requests.get(f"{emulator.url}/_emulator/requests").json())
    sent = []
    page.on("request", lambda r: sent.append(r) if "/v1/" in r.url and r.frame == page.main_frame
            else None)
    intent = stripe_client.v1.payment_intents.create({
        "amount": 1999, "currency": "usd", "allowed_payment_method_types": ["card"],
    })
    sf.fill_card(page, "4242424242424242", "12/34", "123", container="#card-element")
    payment_method_id = payment_method(page, "card")["id"]
    assert call(page, "confirmWithPaymentMethod", intent.client_secret, payment_method_id)[
        "paymentIntent"]["status"] == "succeeded"
    assert call(page, "retrievePaymentIntent", intent.client_secret)["paymentIntent"]["id"] == \
        intent.id

    assert {r.method for r in sent} == {"GET", "POST"}
    for request in sent:
        assert "authorization" not in request.headers, request.url
        carried = request.post_data if request.method == "POST" else request.url
        assert "key=pk_test_stripejs_page" in carried, request.url
    log = requests.get(f"{emulator.url}/_emulator/requests").json()[log_start:]
    assert [entry["method"] for entry in log if entry["method"] == "OPTIONS"] == []
    assert {entry["key_kind"] for entry in log if "/v1/payment_intents" in entry["path"]
            and entry["method"] in ("GET", "POST")} >= {"publishable"}
