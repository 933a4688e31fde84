"""Things that ship, in a real browser: a poster to the US and to Canada (the country's own fields,
the shipping line in the live price, the address at Stripe), a bag that ships once, and the
address without JavaScript on the way to Stripe's Checkout page."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.checkout_page import choose_country, open_product, pay, receipt_url, total

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("fresh_local_stripe")]

POSTER = "city-lights-poster"


@pytest.mark.parametrize("country, line, postal_label, state_label, shipped_total, postal_code", [
    ("US", "Shipping to United States", "ZIP code", "State", "$24.00", "62701"),
    ("CA", "Shipping to Canada", "Postal code", "Province", "$32.00", "K1M 1M4"),
])
def test_a_poster_bought_with_an_address(page, shop, orders, stripe_client, console_errors,
                                         country, line, postal_label, state_label,
                                         shipped_total, postal_code):
    open_product(page, shop, POSTER)
    shipping = page.locator("#price [data-shipping]")
    expect(shipping).to_have_text(re.compile(r"Shipping\s*choose a country"))
    expect(page.locator("[data-pay-reason]")).to_contain_text("shipping address")
    choose_country(page, country)
    expect(shipping).to_contain_text(line)
    expect(shipping).to_contain_text("business days")
    expect(total(page)).to_have_text(shipped_total)
    # The country's own fields, labelled its way, with their autocomplete tokens.
    expect(page.get_by_label(postal_label, exact=True)).to_have_attribute(
        "autocomplete", "shipping postal-code")
    expect(page.get_by_label(state_label, exact=True)).to_have_attribute(
        "autocomplete", "shipping address-level1")
    expect(page.locator("#pay-amount")).to_have_text(shipped_total)
    pay(page, "4242424242424242", country=country)
    expect(page).to_have_url(receipt_url())
    [order] = orders()
    assert order.status == "paid" and order.shipping_address["country"] == country
    assert order.shipping_address["postal_code"] == postal_code  # as the post writes it
    intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
    assert intent.shipping.address.postal_code == postal_code
    assert f"${intent.amount / 100:.2f}" == shipped_total
    assert console_errors == []


def test_typed_fields_stay_when_the_country_changes(page, shop):
    open_product(page, shop, POSTER)
    choose_country(page, "US")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Address", exact=True).fill("1 Main Street")
    page.get_by_label("State", exact=True).select_option("IL")
    choose_country(page, "CA")
    expect(page.get_by_label("Province", exact=True)).to_have_value("")  # no Illinois in Canada
    expect(page.get_by_label("Address", exact=True)).to_have_value("1 Main Street")
    expect(page.get_by_label("Full name")).to_have_value("Ada Lovelace")


def test_a_bag_of_a_shirt_and_an_ebook_ships_once(page, shop, orders):
    for slug in ("organic-tee", "field-notes-ebook"):
        page.goto(f"{shop.url}/p/{slug}")
        page.get_by_role("button", name="Add to bag").click()
        expect(page.locator("[data-bag-added]")).to_contain_text("to your bag")
    page.goto(f"{shop.url}/bag")
    shipping = page.locator("#price [data-shipping]")
    expect(shipping).to_have_count(1)
    choose_country(page, "CA")
    expect(shipping).to_have_count(1)
    expect(shipping).to_contain_text("Shipping to Canada")
    expect(shipping).to_contain_text("$14.00")  # one item: the T-shirt; the e-book is a download
    expect(total(page)).to_have_text("$50.00")  # $26 + $10 + $14
    pay(page, "4242424242424242", country="CA")
    expect(page).to_have_url(receipt_url())
    [order] = orders()
    assert (order.total, order.shipping_amount, order.shipping_address["city"]) == (
        5000, 1400, "Ottawa")


@pytest.mark.parametrize("app_config", [{"CHECKOUT_MODE": "hosted"}])
def test_without_javascript_the_country_prices_shipping_and_stripes_page_asks_the_address(
        browser, shop, orders):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{shop.url}/p/{POSTER}")
    expect(page.locator("#price [data-shipping]")).to_contain_text("choose a country")
    page.select_option("#ship_country", "CA")
    page.get_by_role("button", name="Update price").first.click()
    expect(page.locator("#price [data-shipping]")).to_contain_text("Shipping to Canada")
    expect(total(page)).to_have_text("$32.00")
    page.fill("#email", "ada@example.com")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(r"/c/pay/cs_test_"))
    # Stripe's page (rendered on its server) asks where to ship, in the zone of the rate shown.
    expect(page.get_by_role("group", name="Shipping address")).to_be_visible()
    expect(page.locator("#shipping-country option")).to_have_text(["CA"])
    expect(page.get_by_role("group", name="Shipping method")).to_contain_text(
        "Standard shipping, Canada")
    expect(page.locator(".Checkout-due")).to_contain_text("$32.00")
    [order] = orders()
    assert (order.total, order.shipping_amount) == (3200, 1400)
    context.close()
