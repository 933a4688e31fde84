"""The shop's ordinary pages: prices on the home page, the footer's pages on every page, and a
receipt that names the card and lists each thing bought once."""
import re

import pytest

from tests.helpers import card, open_checkout, pay

PAGES = {"contact": "Contact us", "shipping-and-returns": "Shipping and returns",
         "terms": "Terms of sale", "privacy": "Privacy"}


def test_the_home_page_shows_each_products_lowest_price(client):
    html = client.get("/").get_data(as_text=True)
    cards = dict(re.findall(r'product-card__name">([^<]+)</span>\s*'
                            r'<span class="product-card__price" data-from-price>([^<]+)<', html))
    assert cards == {
        "City Lights poster": "from $14.00",  # an A3 poster
        "Organic cotton T-shirt": "from $26.00",
        "Field Notes from the Coast e-book": "from $5.00",  # the pay-what-you-want minimum
        "Letterpress workshop ticket": "from $40.00",  # the Thursday evening session
        "Hand-thrown ceramic mug": "from ¥2,800",
        "Harbour postcards, set of six": "from $12.00",  # paid on Stripe's hosted page
        "Canvas tote bag": "from $22.00",  # on Stripe's page embedded in the shop's
    }


@pytest.mark.parametrize("slug, mode", [("city-lights-poster", "elements"), ("harbour-postcards", "hosted"),
                                        ("canvas-tote", "embedded")])
def test_the_demo_sells_a_product_in_each_checkout_mode(client, slug, mode):
    html = client.get(f"/p/{slug}").get_data(as_text=True)
    assert ('data-stripe-element="cardNumber"' in html) == (mode == "elements")
    assert ("Continue to payment" in html) == (mode != "elements")
    assert ("secure payment form opens on the next page" in html) == (mode == "embedded")


@pytest.mark.parametrize("name", PAGES)
def test_each_footer_page_is_a_page(client, name):
    response = client.get(f"/pages/{name}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1>{PAGES[name]}</h1>" in html


def test_an_unknown_page_is_a_404(client):
    for name in ("page", "layout", "..%2Flayout", "Contact", "nope"):
        assert client.get(f"/pages/{name}").status_code == 404


def test_every_page_links_to_the_footer_pages(client, stripe_client):
    page = open_checkout(client, "city-lights-poster")
    receipt = pay(client, "city-lights-poster", page, card(stripe_client)).json["url"]
    for url in ("/", "/p/city-lights-poster", "/bag", "/pages/terms", receipt, "/no-such-page"):
        footer = client.get(url).get_data(as_text=True).split('<footer class="site-footer">')[1]
        for name in PAGES:
            assert f'href="/pages/{name}"' in footer, (url, name)


def test_the_receipt_names_the_card_and_each_line_once(app, client, stripe_client, outbox):
    page = open_checkout(client, "city-lights-poster")
    response = pay(client, "city-lights-poster", page, card(stripe_client),
                   quantity="2", **{"expected_total": "4300"})  # $7.00 to ship two
    assert response.json["next"] == "receipt", response.json
    html = client.get(response.json["url"]).get_data(as_text=True)
    assert re.search(r"<dt>Paid with</dt><dd data-receipt-card>Visa ending 4242</dd>", html)
    # The breakdown's line, not an item list too; the progress below it says what is to ship.
    summary, progress = html.split("data-progress")
    assert summary.count("City Lights poster") == 1
    assert re.search(r"Still to ship:\s+City Lights poster × 2\.", progress)
    [message] = [m for m in outbox if m["To"] == "ada@example.com"]
    assert "Paid: $43.00 with Visa ending 4242" in message.get_content()


def test_an_amex_receipt_says_so(client, stripe_client):
    amex = stripe_client.payment_methods.create({"type": "card", "card": {
        "number": "378282246310005", "exp_month": 12, "exp_year": 2034, "cvc": "1234"}}).id
    page = open_checkout(client, "organic-tee")
    response = pay(client, "organic-tee", page, amex)
    html = client.get(response.json["url"]).get_data(as_text=True)
    assert "American Express ending 0005" in html
