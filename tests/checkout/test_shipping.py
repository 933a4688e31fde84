"""Shipping at checkout: the address asked for only when something ships, each country's fields and
rules, the shipping line in the live price (a cacheable GET keyed by the country), paying with it
(a 409 when it moved), and the address as the local Stripe received it."""
import re

import pytest
import requests

from storefront.models import CatalogRevision, Order
from storefront.web.extensions import db
from tests.helpers import (
    STRIPE_PAGE_SHIPPING,
    US_ADDRESS,
    bag_form,
    card,
    hidden_fields,
    open_checkout,
    pay,
)

HTMX = {"HX-Request": "true"}
POSTER = "city-lights-poster"
CANADA = {"ship_name": "Jean Tremblay", "ship_line1": "24 Sussex Drive", "ship_line2": "",
          "ship_city": "Ottawa", "ship_state": "ON", "ship_postal_code": "k1m1m4",
          "ship_country": "CA"}


def price_block(html):
    return re.search(r'<section id="price".*?</section>', html, re.S).group(0)


def total_in(html):
    return re.search(r"<td data-total>([^<]+)</td>", html).group(1)


def test_a_product_that_ships_asks_for_an_address_one_that_does_not_never_does(client):
    poster = client.get(f"/p/{POSTER}").text
    assert 'id="address-heading">Shipping address<' in poster
    countries = re.findall(r'<option value="([A-Z]{2})"', poster.split('id="ship_country"')[1]
                           .split("</select>")[0])
    assert countries == ["US", "CA", "GB", "IE", "DE", "FR", "NL", "AU", "JP"]  # the zones'
    assert 'autocomplete="shipping name"' in poster and 'autocomplete="shipping country"' in poster
    # Before a country: no amount invented.
    assert re.search(r"<th scope=\"row\">Shipping</th><td>choose a country</td>", poster)
    assert "Total before shipping" in price_block(poster)
    ebook = client.get("/p/field-notes-ebook").text
    assert "ship_country" not in ebook and "Shipping" not in price_block(ebook)


def test_choosing_a_country_prices_shipping_in_a_cacheable_partial(client):
    plain = client.get(f"/p/{POSTER}", headers=HTMX)
    response = client.get(f"/p/{POSTER}?quantity=2&ship_country=CA&address_fields=1", headers=HTMX)
    html = response.text
    assert "Shipping to Canada" in html and "arrives in 5–8 business days" in html
    assert "<td>$16.00</td>" in html  # $12.00 + 2 × $2.00
    assert total_in(html) == "$52.00"
    # The country's own fields come along, out of band, with its labels and autocomplete.
    fields = html.split('id="address-fields"')[1]
    assert 'hx-swap-oob="true"' in fields.split(">")[0]
    assert ">Province<" in fields and ">Postal code<" in fields and ">Ontario<" in fields
    assert 'autocomplete="shipping postal-code"' in fields
    assert 'autocomplete="shipping address-line1"' in fields
    # Keyed by the country, cacheable like every partial; nobody's name or address in it.
    for answer in (plain, response):
        assert answer.headers["Cache-Control"] == "public, no-cache"
        assert answer.headers["ETag"].startswith('W/"') and "Set-Cookie" not in answer.headers
    assert plain.headers["ETag"] != response.headers["ETag"]
    again = client.get(f"/p/{POSTER}?quantity=2&ship_country=CA&address_fields=1",
                       headers={**HTMX, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_country_the_shop_does_not_ship_to_gets_no_total(client):
    html = client.get(f"/p/{POSTER}?ship_country=BR", headers=HTMX).text
    assert 'data-quote-ok="false"' in html and "We do not ship there yet" in html


def test_without_javascript_the_page_comes_back_with_the_countrys_fields(client):
    page = hidden_fields(client.get(f"/p/{POSTER}").text)
    html = client.post(f"/p/{POSTER}", data={**page, "ship_country": "JP",
                                              "ship_name": "Aiko Sato"}).text
    fields = html.split('id="address-fields"')[1].split("</section>")[0]
    labels = re.findall(r'<label class="field__label" for="(ship_\w+)">([^<]+)</label>', fields)
    assert [name for name, _ in labels][:3] == ["ship_postal_code", "ship_state", "ship_city"]
    assert dict(labels)["ship_state"] == "Prefecture"
    assert 'value="Aiko Sato"' in html  # what was typed stays
    assert 'pattern="' in fields  # the browser checks the postal code's shape too
    assert "Shipping to Japan" in html and total_in(html) == "$37.00"  # $18 + $16 + $3


@pytest.mark.parametrize("address, errors", [
    ({**CANADA, "ship_postal_code": "12345"},
     {"ship_postal_code": "Enter a valid postal code, like K1A 0B1"}),
    ({**US_ADDRESS, "ship_state": ""}, {"ship_state": "Choose the state"}),
    ({**US_ADDRESS, "ship_postal_code": "6270"},
     {"ship_postal_code": "Enter a valid ZIP code, like 12345 or 12345-6789"}),
    ({"ship_name": "Ada", "ship_country": "GB", "ship_line1": "10 Downing St",
      "ship_city": "London", "ship_postal_code": "SW1A"},
     {"ship_postal_code": "Enter a valid postcode, like SW1A 1AA"}),
    ({"ship_name": "Ada", "ship_country": "DE", "ship_line1": "Unter den Linden 1",
      "ship_city": "Berlin", "ship_postal_code": "1011"},
     {"ship_postal_code": "Enter a valid PLZ, like 10115"}),
    ({"ship_name": "Ada", "ship_country": "AU", "ship_line1": "1 George St",
      "ship_city": "Sydney", "ship_state": "Sydney", "ship_postal_code": "2000"},
     {"ship_state": "Choose the state from the list"}),
    ({**US_ADDRESS, "ship_name": ""}, {"ship_name": "Enter the name for the parcel"}),
])
def test_pay_refuses_an_address_its_country_would_not_take(client, stripe_client, orders,
                                                             address, errors):
    page = open_checkout(client, POSTER, address=address)
    response = pay(client, POSTER, page, card(stripe_client))
    assert response.status_code == 400
    assert response.json["errors"] == errors
    assert orders() == []


def test_a_poster_to_canada_sends_stripe_its_address(client, stripe_client, orders):
    page = open_checkout(client, POSTER, address=CANADA)
    assert page["expected_total"] == str(1800 + 1400)
    response = pay(client, POSTER, page, card(stripe_client))
    assert response.json["next"] == "receipt", response.json
    [order] = orders()
    assert (order.total, order.shipping_amount, order.shipping_rate) == (
        3200, 1400, "Standard shipping, Canada")
    assert order.shipping_name == "Jean Tremblay"
    assert order.shipping_address == {"line1": "24 Sussex Drive", "line2": None,
                                      "city": "Ottawa", "state": "ON",
                                      "postal_code": "K1M 1M4", "country": "CA"}
    intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
    assert intent.amount == 3200
    assert intent.shipping.name == "Jean Tremblay"
    assert intent.shipping.address.to_dict() == {
        "city": "Ottawa", "country": "CA", "line1": "24 Sussex Drive", "line2": None,
        "postal_code": "K1M 1M4", "state": "ON"}
    charge = stripe_client.charges.retrieve(intent.latest_charge)
    assert charge.shipping.address.postal_code == "K1M 1M4"  # Radar sees it on the charge


def test_a_shipping_price_changed_after_the_quote_is_a_409(app, client, stripe_client, orders,
                                                           stripe_requests):
    page = open_checkout(client, POSTER)  # $18.00 + $6.00 to the US
    with app.app_context():  # the merchant raises the US rate meanwhile
        revision = db.session.get(CatalogRevision, 1)
        zones = [dict(zone) for zone in revision.shipping_zones]
        zones[0] = {**zones[0], "rates": [{**zones[0]["rates"][0], "flat": 900}]}
        revision.shipping_zones, revision.revision = zones, revision.revision + 1
        db.session.commit()
    response = pay(client, POSTER, page, card(stripe_client))
    assert response.status_code == 409
    assert "The price has changed to $28.00. Nothing was charged" in response.text
    assert "Shipping to United States" in response.text
    assert orders() == [] and stripe_requests(method="POST", path="/v1/payment_intents") == []


def test_a_bag_ships_once_for_its_lines_that_ship(client, stripe_client, orders):
    for slug, selection in (("organic-tee", {"quantity": "2"}), ("field-notes-ebook", {})):
        page = hidden_fields(client.get(f"/p/{slug}").text)
        assert client.post(f"/p/{slug}/add", data={**page, **selection}).status_code == 303
    html = client.get("/bag").text
    assert 'id="address-heading">Shipping address<' in html
    form = bag_form(html, client, address=CANADA)
    assert form["expected_total"] == str(2 * 2600 + 1000 + 1200 + 2 * 200)  # the tees only
    priced = client.post("/bag", data=form).text
    assert price_block(priced).count("data-shipping") == 1
    response = client.post("/bag/pay", data=form | {"email": "ada@example.com",
                                                     "payment_method": card(stripe_client)})
    assert response.json["next"] == "receipt", response.json
    [order] = orders()
    assert (order.shipping_amount, order.shipping_address["country"]) == (1600, "CA")


def test_a_bag_without_anything_to_ship_asks_for_no_address(client):
    page = hidden_fields(client.get("/p/field-notes-ebook").text)
    client.post("/p/field-notes-ebook/add", data=page)
    html = client.get("/bag").text
    assert "ship_country" not in html and "data-shipping" not in html


@pytest.mark.parametrize("app_config", [{"CHECKOUT_MODE": "hosted"}])
def test_stripes_checkout_page_collects_the_address_and_charges_the_quoted_rate(
        app, client, stripe_client, local_stripe, orders):
    page_html = client.get(f"/p/{POSTER}").text
    assert 'id="address-heading">Shipping to<' in page_html  # the country only: Stripe asks the rest
    assert 'name="ship_line1"' not in page_html
    page = open_checkout(client, POSTER, address={"ship_country": "CA"})
    opened = client.post(f"/p/{POSTER}/continue", data={**page, "email": "ada@example.com"})
    assert opened.status_code == 303
    [order] = orders()
    assert (order.total, order.shipping_amount, order.shipping_address) == (3200, 1400, None)
    with app.app_context():
        [attempt] = db.session.get(Order, order.id).attempts
        params = attempt.request["params"]
    assert params["shipping_address_collection"] == {"allowed_countries": ["CA"]}
    assert params["shipping_options"] == [{"shipping_rate_data": {
        "type": "fixed_amount", "display_name": "Standard shipping, Canada",
        "fixed_amount": {"amount": 1400, "currency": "usd"},
        "delivery_estimate": {"minimum": {"unit": "business_day", "value": 5},
                              "maximum": {"unit": "business_day", "value": 8}}}}]
    session = stripe_client.checkout.sessions.retrieve(order.checkout_session_id)
    assert (session.amount_subtotal, session.amount_total) == (1800, 3200)
    assert session.shipping_cost.amount_total == 1400
    assert session.shipping_address_collection.allowed_countries == ["CA"]

    # Stripe's page refuses an address outside the rate's zone, then takes one inside it.
    confirm = f"{local_stripe.url}/v1/payment_pages/{session.id}/confirm"
    headers = {"Authorization": "Bearer pk_test_testing"}
    refused = requests.post(confirm, headers=headers, data={
        "payment_method": card(stripe_client), **STRIPE_PAGE_SHIPPING})
    assert refused.status_code == 400 and "does not ship to US" in refused.json()["error"]["message"]
    canada = {"shipping_details[name]": "Jean Tremblay",
              "shipping_details[address][line1]": "24 Sussex Drive",
              "shipping_details[address][city]": "Ottawa",
              "shipping_details[address][state]": "ON",
              "shipping_details[address][postal_code]": "K1M 1M4",
              "shipping_details[address][country]": "CA"}
    requests.post(confirm, headers=headers, data={
        "payment_method": card(stripe_client), **canada}).raise_for_status()
    back = client.get(f"/orders/{order.public_id}/checkout/return?session_id={session.id}")
    assert back.status_code == 303
    [order] = orders()
    assert order.status == "paid"
    assert (order.shipping_name, order.shipping_address["postal_code"]) == ("Jean Tremblay",
                                                                           "K1M 1M4")
    assert order.needs_look is None  # Stripe charged the shipping the order says
    paid = stripe_client.checkout.sessions.retrieve(session.id)
    assert paid.collected_information.shipping_details.address.city == "Ottawa"
    intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
    assert (intent.amount, intent.shipping.name) == (3200, "Jean Tremblay")


@pytest.mark.parametrize("app_config", [{"CHECKOUT_MODE": "hosted"}])
def test_stripes_page_opens_only_once_a_country_is_chosen(client, orders, stripe_requests):
    page = hidden_fields(client.get(f"/p/{POSTER}").text)
    response = client.post(f"/p/{POSTER}/continue", data={**page, "email": "ada@example.com"})
    assert response.status_code == 400 and "Choose the country we ship to" in response.text
    assert orders() == [] and stripe_requests(method="POST") == []
