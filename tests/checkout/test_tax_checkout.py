"""Tax in the checkout (docs/tax.md, "Where the customer sees tax"), TAX_MODE=exclusive against the
local Stripe: the price partial has no tax (no address, no Stripe call); the address panel posts
the address to the tax endpoint, which shows the tax and the total with it; Pay charges that total
and answers 409 when the tax moved."""
import re

import pytest

from storefront.models import Order
from storefront.web.extensions import db
from tests.helpers import bag_form, card, open_checkout, pay

SLUG = "city-lights-poster"  # $18.00, ships: US shipping $5.00 + $1.00 an item
# California: 7.25 % on goods, shipping not taxed. $18.00 → $1.305 → $1.31.
CALIFORNIA = {"ship_name": "Ada Lovelace", "ship_line1": "1 Market Street",
              "ship_city": "San Francisco", "ship_state": "CA", "ship_postal_code": "94105",
              "ship_country": "US"}
# Washington: 6.5 % on goods and shipping: $1.17 + $0.39.
SEATTLE = {"ship_name": "Ada Lovelace", "ship_line1": "920 5th Ave", "ship_city": "Seattle",
           "ship_state": "WA", "ship_postal_code": "98104", "ship_country": "US"}


@pytest.fixture
def app_config():
    return {"TAX_MODE": "exclusive"}


def calculations(stripe_requests):
    return stripe_requests(method="POST", path="/v1/tax/calculations")


def expected_total(html):
    return int(re.search(r'name="expected_total" value="(\d+)"', html)[1])


def tax_for(client, page, address):
    """The tax endpoint's answer for the page's fields with `address`, as the address panel
    posts them."""
    response = client.post(f"/p/{SLUG}/tax", data={**page, **address})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_tax_is_shown_before_paying_and_charged(app, client, stripe_client, stripe_requests,
                                                   outbox):
    page = open_checkout(client, SLUG, CALIFORNIA)
    # The price partial (the country only in its URL) has no tax, and asks Stripe nothing.
    partial = client.get(f"/p/{SLUG}", query_string={"ship_country": "US"},
                         headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "calculated once you enter your address" in partial
    assert "Total before tax" in partial and expected_total(partial) == 2400
    assert calculations(stripe_requests) == []

    html = tax_for(client, page, CALIFORNIA)
    assert re.search(r"Tax <span class=\"breakdown__detail\">CA sales tax 7.25 %</span></th>\s*"
                     r"<td>\$1.31</td>", html)
    assert expected_total(html) == 2531
    assert re.search(r'<span id="pay-amount" hx-swap-oob="true"> \$25.31</span>', html)
    assert len(calculations(stripe_requests)) == 1
    # The same address again (the selection changed back, the page asked again): no call.
    assert expected_total(tax_for(client, page, CALIFORNIA)) == 2531
    assert len(calculations(stripe_requests)) == 1

    answer = pay(client, SLUG, page, card(stripe_client), expected_total="2531")
    assert answer.json["next"] == "receipt", answer.json
    assert len(calculations(stripe_requests)) == 1  # Pay used the tax the customer saw
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert (order.total, order.shipping_amount, order.tax_amount, order.tax_behavior) == (
            2531, 600, 131, "exclusive")
        assert order.tax_transaction_id.startswith("tax_")
        intent_id = order.payment_intent_id
    assert stripe_client.payment_intents.retrieve(intent_id).amount == 2531

    receipt = client.get(answer.json["url"]).get_data(as_text=True)
    assert re.search(r"<tr data-shipping><th scope=\"row\">Shipping .*?</th>\s*<td>\$6.00</td>",
                     receipt)
    assert '<tr data-tax><th scope="row">Tax</th><td>$1.31</td></tr>' in receipt
    [mail] = outbox
    assert "Shipping (Standard shipping, United States): $6.00" in mail.get_content()
    assert "Tax: $1.31" in mail.get_content()
    assert "Paid: $25.31" in mail.get_content()


def test_a_new_address_is_a_new_tax_and_a_stale_total_is_not_charged(
        app, client, stripe_client, stripe_requests):
    page = open_checkout(client, SLUG, CALIFORNIA)
    assert expected_total(tax_for(client, page, CALIFORNIA)) == 2531
    # The customer moves the parcel to Seattle and presses Pay before the new tax shows.
    moved = pay(client, SLUG, {**page, **SEATTLE}, card(stripe_client), expected_total="2531")
    assert moved.status_code == 409
    html = moved.get_data(as_text=True)
    assert "The price has changed to $25.56" in html and expected_total(html) == 2556
    assert "WA sales tax 6.5 %" in html
    assert len(calculations(stripe_requests)) == 2
    assert stripe_requests(method="POST", path="/v1/payment_intents") == []
    with app.app_context():
        assert db.session.scalar(db.select(Order)) is None  # nothing half made

    answer = pay(client, SLUG, {**page, **SEATTLE}, card(stripe_client), expected_total="2556")
    assert answer.json["next"] == "receipt", answer.json
    assert len(calculations(stripe_requests)) == 2
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert (order.total, order.tax_amount) == (2556, 156)
        assert stripe_client.payment_intents.retrieve(order.payment_intent_id).amount == 2556


def test_no_call_until_the_address_is_complete(client, stripe_requests):
    page = open_checkout(client, SLUG, CALIFORNIA)
    html = tax_for(client, page, {**CALIFORNIA, "ship_postal_code": ""})
    assert "calculated once you enter your address" in html and expected_total(html) == 2400
    assert calculations(stripe_requests) == []


def test_an_address_stripe_tax_cannot_place_is_refused_at_the_postal_code(
        client, stripe_client, stripe_requests):
    wrong_zip = {**CALIFORNIA, "ship_postal_code": "10001"}  # New York's, in California
    page = open_checkout(client, SLUG, wrong_zip)
    html = tax_for(client, page, wrong_zip)
    assert "We could not work out the tax for this address" in html
    answer = pay(client, SLUG, page, card(stripe_client), expected_total="2400")
    assert answer.status_code == 400
    assert answer.json["errors"]["ship_postal_code"].startswith("We could not work out the tax")
    assert stripe_requests(method="POST", path="/v1/payment_intents") == []


def test_stripe_tax_unreachable_charges_nothing(app, client, stripe_client, stripe_requests,
                                                faults):
    page = open_checkout(client, SLUG, CALIFORNIA)
    faults("500", path="/v1/tax/calculations")
    answer = pay(client, SLUG, page, card(stripe_client), expected_total="2531")
    assert answer.status_code == 503
    assert (answer.json["next"], answer.json["message"]) == (
        "retry", "The tax could not be worked out just now. Try again in a moment.")
    assert stripe_requests(method="POST", path="/v1/payment_intents") == []
    with app.app_context():
        assert db.session.scalar(db.select(Order)) is None
    # Asked again, Stripe answers: the customer pays.
    assert pay(client, SLUG, page, card(stripe_client),
               expected_total="2531").json["next"] == "receipt"


def test_inclusive_prices_keep_their_total(make_app, stripe_client, stripe_requests):
    app = make_app(TAX_MODE="inclusive")
    client = app.test_client()
    dublin = {"ship_name": "Ada Lovelace", "ship_line1": "1 Grafton Street",
              "ship_city": "Dublin", "ship_country": "IE"}
    page = open_checkout(client, SLUG, dublin)
    assert "Prices include tax" in client.get(
        f"/p/{SLUG}", query_string={"ship_country": "IE"},
        headers={"HX-Request": "true"}).get_data(as_text=True)
    # $18.00 and $18.00 shipping, 23 % inside each: $3.37 + $3.37; the total stays $36.00.
    html = client.post(f"/p/{SLUG}/tax", data=page).get_data(as_text=True)
    assert re.search(r"Includes tax <span class=\"breakdown__detail\">IE VAT 23 %</span></th>\s*"
                     r"<td>\$6.74</td>", html)
    assert expected_total(html) == 3600
    answer = pay(client, SLUG, page, card(stripe_client), expected_total="3600")
    assert answer.json["next"] == "receipt", answer.json
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert (order.total, order.tax_amount, order.tax_behavior) == (3600, 674, "inclusive")
        assert stripe_client.payment_intents.retrieve(order.payment_intent_id).amount == 3600
    assert len(calculations(stripe_requests)) == 1


def test_a_bag_is_taxed_in_one_call(app, client, stripe_client, stripe_requests):
    for slug in (SLUG, "organic-tee"):  # $18.00 and $26.00
        page = open_checkout(client, slug)
        assert client.post(f"/p/{slug}/add", data=page).status_code == 303
    # The bag re-priced with the address (the form without JavaScript) shows its tax already.
    fields = bag_form(client.get("/bag").get_data(as_text=True), client, CALIFORNIA)
    # $1.305 → $1.31 and $1.885 → $1.89; shipping $5.00 + 2 × $1.00, not taxed in California.
    assert fields["expected_total"] == str(4400 + 700 + 320)
    html = client.post("/bag/tax", data=fields).get_data(as_text=True)
    assert "CA sales tax 7.25 %" in html and expected_total(html) == 5420
    answer = client.post("/bag/pay", data={**fields, "payment_method": card(stripe_client),
                                           "email": "ada@example.com"})
    assert answer.json["next"] == "receipt", answer.json
    assert len(calculations(stripe_requests)) == 1  # one call for the bag, remembered
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert (order.total, order.tax_amount) == (5420, 320)
        assert stripe_client.payment_intents.retrieve(order.payment_intent_id).amount == 5420


BANK = {"method": "us_bank_account"}


def test_a_bank_discount_is_taken_off_before_the_tax(client, stripe_requests):
    """The poster paid from a bank account: $18.00 less 2 % is $17.64, taxed 7.25 % in
    California: $1.2789 → $1.28 (not $1.31, the tax on the list price). Shipping $6.00."""
    page = open_checkout(client, SLUG, CALIFORNIA)
    html = tax_for(client, {**page, **BANK}, CALIFORNIA)
    assert re.search(r"CA sales tax 7.25 %</span></th>\s*<td>\$1.28</td>", html), html
    assert expected_total(html) == 1764 + 600 + 128
    assert len(calculations(stripe_requests)) == 1


def test_a_bag_s_bank_discount_is_shared_over_its_lines_before_the_tax(client, stripe_requests):
    """$18.00 and $26.00 less 2 % of $44.00 ($0.88, shared $0.36 and $0.52): $17.64 and $25.48,
    taxed $1.28 and $1.85 in California; $3.13 where the list prices would have made $3.20."""
    for slug in (SLUG, "organic-tee"):
        page = open_checkout(client, slug)
        assert client.post(f"/p/{slug}/add", data=page).status_code == 303
    fields = bag_form(client.get("/bag").get_data(as_text=True), client, CALIFORNIA)
    html = client.post("/bag/tax", data={**fields, **BANK}).get_data(as_text=True)
    assert re.search(r"CA sales tax 7.25 %</span></th>\s*<td>\$3.13</td>", html), html
    assert expected_total(html) == 4400 - 88 + 700 + 313
