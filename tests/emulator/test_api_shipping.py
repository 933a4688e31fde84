"""Shipping at the local Stripe: a PaymentIntent's `shipping` (create, update, confirm; copied onto
its charge), and Checkout's `shipping_address_collection` and `shipping_options`, with the address
the page collected in `collected_information.shipping_details` (`shipping_details` before
2025-03-31.basil)."""
import json

import pytest
import stripe

from tests.emulator.test_api_checkout_sessions import LINE_ITEMS, NEW_VERSION

SHIPPING = {"name": "Jenny Rosen", "address": {"line1": "510 Townsend St", "city": "San Francisco",
                                               "state": "CA", "postal_code": "94103",
                                               "country": "US"}}
OPTION = {"shipping_rate_data": {
    "type": "fixed_amount", "display_name": "Standard shipping, Europe",
    "fixed_amount": {"amount": 700, "currency": "eur"},
    "delivery_estimate": {"minimum": {"unit": "business_day", "value": 3},
                          "maximum": {"unit": "business_day", "value": 6}}}}
PAGE_ADDRESS = {"shipping_details[name]": "Jenny Rosen",
                "shipping_details[address][line1]": "Unter den Linden 1",
                "shipping_details[address][city]": "Berlin",
                "shipping_details[address][postal_code]": "10117",
                "shipping_details[address][country]": "DE"}


def test_an_intents_shipping_is_kept_and_copied_onto_its_charge(pay, card, stripe_client):
    intent = pay(card("4242424242424242").id, shipping=SHIPPING, expand=["latest_charge"])
    assert intent.status == "succeeded"
    assert intent.shipping.to_dict() == {
        "name": "Jenny Rosen", "phone": None, "carrier": None, "tracking_number": None,
        "address": {**SHIPPING["address"], "line2": None}}
    assert intent.latest_charge.shipping.address.postal_code == "94103"
    other = stripe_client.v1.payment_intents.create({"amount": 500, "currency": "usd"})
    updated = stripe_client.v1.payment_intents.update(other.id, {"shipping": SHIPPING})
    assert updated.shipping.name == "Jenny Rosen"


@pytest.mark.invalid_stripe_params
def test_shipping_needs_a_name_and_an_address(stripe_client):
    for shipping, param in (({"address": SHIPPING["address"]}, "shipping[name]"),
                            ({"name": "Jenny Rosen"}, "shipping[address]")):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            stripe_client.v1.payment_intents.create(
                {"amount": 500, "currency": "usd", "shipping": shipping})
        assert refused.value.param == param and refused.value.code == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: shipping\\[adress\\]"):
        stripe_client.v1.payment_intents.create({"amount": 500, "currency": "usd", "shipping": {
            "name": "Jenny Rosen", "adress": SHIPPING["address"]}})


def session(stripe_client, version=NEW_VERSION, **params):
    return stripe_client.v1.checkout.sessions.create({
        "mode": "payment", "line_items": LINE_ITEMS, "ui_mode": "hosted_page",
        "success_url": "http://shop.test/paid", "customer_email": "jenny@example.com",
        "shipping_address_collection": {"allowed_countries": ["DE", "FR"]},
        "shipping_options": [OPTION], **params}, {"stripe_version": version})


def confirm(browser_client, made, **params):
    try:
        response = browser_client.raw_request(
            "post", f"/v1/payment_pages/{made.id}/confirm", **params)
    except stripe.StripeError as error:
        return error.json_body
    return json.loads(response.body)


def test_a_session_charges_its_first_shipping_option_from_the_start(stripe_client):
    made = session(stripe_client)
    assert (made.amount_subtotal, made.amount_total) == (2950, 3650)
    assert made.shipping_cost.amount_total == 700 and made.shipping_cost.shipping_rate.startswith("shr_")
    assert made.total_details.amount_shipping == 700
    assert made.shipping_options[0].shipping_amount == 700
    assert made.shipping_address_collection.allowed_countries == ["DE", "FR"]
    assert made.collected_information is None


def test_the_page_collects_the_address_and_the_intent_ships_there(stripe_client, browser_client,
                                                                   card):
    made = session(stripe_client)
    missing = confirm(browser_client, made, payment_method=card("4242424242424242").id)
    assert missing["error"]["param"] == "shipping_details"
    elsewhere = confirm(browser_client, made, payment_method=card("4242424242424242").id,
                        **{**PAGE_ADDRESS, "shipping_details[address][country]": "US"})
    assert "does not ship to US" in elsewhere["error"]["message"]
    paid = confirm(browser_client, made, payment_method=card("4242424242424242").id,
                   **PAGE_ADDRESS)
    assert paid["status"] == "complete"
    done = stripe_client.v1.checkout.sessions.retrieve(made.id, {"expand": ["payment_intent"]})
    details = done.collected_information.shipping_details
    assert (details.name, details.address.city, details.address.country) == (
        "Jenny Rosen", "Berlin", "DE")
    assert done.payment_intent.amount == 3650
    assert done.payment_intent.shipping.address.postal_code == "10117"


def test_before_basil_the_address_is_the_sessions_shipping_details(stripe_client, browser_client,
                                                                   card):
    made = session(stripe_client)
    confirm(browser_client, made, payment_method=card("4242424242424242").id, **PAGE_ADDRESS)
    old = stripe_client.v1.checkout.sessions.retrieve(made.id, options={
        "stripe_version": "2025-02-24.acacia"})
    assert old.shipping_details.address.city == "Berlin"
    assert old.collected_information.shipping_details.address.city == "Berlin"
    older = stripe_client.v1.checkout.sessions.retrieve(made.id, options={
        "stripe_version": "2024-06-20"})
    assert older.shipping_details.name == "Jenny Rosen"
    assert "collected_information" not in older


@pytest.mark.invalid_stripe_params
def test_a_shipping_option_in_another_currency_is_refused(stripe_client):
    usd = {"shipping_rate_data": {**OPTION["shipping_rate_data"],
                                  "fixed_amount": {"amount": 700, "currency": "usd"}}}
    with pytest.raises(stripe.InvalidRequestError, match="must match the currency") as refused:
        session(stripe_client, shipping_options=[usd])
    assert refused.value.param == "shipping_options[0][shipping_rate_data][fixed_amount][currency]"
    with pytest.raises(stripe.InvalidRequestError, match="up to 5 shipping options"):
        session(stripe_client, shipping_options=[OPTION] * 6)
