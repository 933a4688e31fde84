"""Objects and parameters as Stripe shapes them: booleans, webhook secrets, charge refunds,
receipts, and the 404 for an unknown PaymentIntent. Through the official library and raw HTTP."""
import pytest
import requests
import stripe

from tests.emulator.conftest import SECRET_KEY

VISA = "4242424242424242"
AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}


@pytest.mark.parametrize("true, false", [("true", "false"), ("True", "False")])
def test_booleans_are_read_in_either_case(emulator, card, true, false):
    # Older stripe-python sent str(True) and the .NET library sends True.
    answer = requests.post(f"{emulator.url}/v1/payment_intents", headers=AUTH, data={
        "amount": 2000, "currency": "usd", "payment_method": card(VISA).id,
        "allowed_payment_method_types[]": "card", "confirm": true, "off_session": false})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "succeeded"


def test_capitalised_booleans_through_the_library(stripe_client, card):
    answer = stripe_client.raw_request("post", "/v1/payment_intents", amount=2000,
                                       currency="usd", payment_method=card(VISA).id,
                                       allowed_payment_method_types=["card"], confirm="True")
    assert stripe_client.deserialize(answer, api_mode="V1").status == "succeeded"


@pytest.mark.parametrize("value", ["1", "0", "yes", "TRUE"])
def test_other_spellings_are_not_booleans(emulator, value):
    answer = requests.post(f"{emulator.url}/v1/payment_intents", headers=AUTH, data={
        "amount": 2000, "currency": "usd", "allowed_payment_method_types[]": "card", "confirm": value})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == f"Invalid boolean: {value}"


def test_a_webhook_secret_is_shown_only_when_the_endpoint_is_made(stripe_client, emulator):
    made = stripe_client.v1.webhook_endpoints.create(
        {"url": "https://shop.example/hooks", "enabled_events": ["*"]})
    assert made.secret.startswith("whsec_")
    assert "secret" not in stripe_client.v1.webhook_endpoints.retrieve(made.id)
    assert all("secret" not in endpoint
               for endpoint in stripe_client.v1.webhook_endpoints.list().data)
    raw = requests.get(f"{emulator.url}/v1/webhook_endpoints/{made.id}", headers=AUTH).json()
    assert "secret" not in raw and raw["url"] == "https://shop.example/hooks"


def test_a_charges_refunds_can_be_expanded(stripe_client, card, pay):
    intent = pay(card(VISA).id)
    refund = stripe_client.v1.refunds.create({"payment_intent": intent.id, "amount": 700})
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge, {"expand": ["refunds"]})
    assert [r.id for r in charge.refunds.data] == [refund.id]
    assert charge.refunds.url == f"/v1/charges/{charge.id}/refunds"
    nested = stripe_client.v1.payment_intents.retrieve(
        intent.id, {"expand": ["latest_charge.refunds"]})
    assert [r.amount for r in nested.latest_charge.refunds.data] == [700]


def test_a_charge_has_a_receipt_page(stripe_client, card, pay, emulator):
    intent = pay(card(VISA).id, description="Ink, 3 bottles")
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert charge.receipt_url == f"{emulator.url}/receipts/{charge.id}"
    page = requests.get(charge.receipt_url)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "$20.00" in page.text and "Visa ending in 4242" in page.text
    assert "Ink, 3 bottles" in page.text
    stripe_client.v1.refunds.create({"payment_intent": intent.id, "amount": 500})
    assert "$5.00" in requests.get(charge.receipt_url).text
    assert requests.get(f"{emulator.url}/receipts/ch_nope").status_code == 404


def test_an_unknown_payment_intent_names_param_intent(stripe_client, emulator):
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.payment_intents.retrieve("pi_nope")
    assert (missing.value.http_status, missing.value.code, missing.value.param) == \
        (404, "resource_missing", "intent")
    raw = requests.post(f"{emulator.url}/v1/payment_intents/pi_nope/confirm", headers=AUTH)
    assert raw.status_code == 404
    assert raw.json()["error"] == {
        "type": "invalid_request_error", "code": "resource_missing",
        "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
        "message": "No such payment_intent: 'pi_nope'", "param": "intent"}
