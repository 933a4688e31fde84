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
    }
