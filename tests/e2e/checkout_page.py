"""What a customer does on the checkout page, in Playwright terms."""
import re

from playwright.sync_api import expect

from tests import stripe_frames


def open_product(page, shop, slug):
    page.goto(f"{shop.url}/p/{slug}")
    expect(page.locator("#price")).to_be_visible()
    # The card fields are ready once Stripe.js has put its frames in (split fields or one Element).
    if stripe_frames.uses_card_element(page):
        stripe_frames.card_element(page).locator(stripe_frames.NUMBER_INPUT).wait_for()
    else:
        stripe_frames.card_number_input(page).wait_for()


def total(page):
    return page.locator("#price [data-total]")


def wait_for_price(page, action):
    """Do `action` and wait for the server's new price partial to land."""
    with page.expect_response(lambda r: r.request.method == "GET" and r.request.headers.get("hx-request")):
        action()
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


# A parcel's address as a customer types it, by country (labels as each country's form has them).
ADDRESSES = {
    "US": {"Full name": "Ada Lovelace", "Address": "1 Main Street", "City": "Springfield",
           "State": "IL", "ZIP code": "62701"},
    "CA": {"Full name": "Jean Tremblay", "Address": "24 Sussex Drive", "City": "Ottawa",
           "Province": "ON", "Postal code": "k1m1m4"},
}


def choose_country(page, country):
    """Choose the country in the shipping address and wait for its price (and its fields, where
    the shop asks for them: not when Stripe's page does)."""
    with page.expect_response(lambda r: "ship_country=" in r.url or (
            r.request.method == "POST" and "ship_country=" in (r.request.post_data or ""))):
        page.select_option("#ship_country", country)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    expect(page.locator("#price [data-shipping]")).not_to_contain_text("choose a country")
    if page.locator("#address-fields").count():
        page.locator("#address-fields input").first.wait_for()


def fill_address(page, country="US"):
    """Choose `country` and type ADDRESSES[country] into its fields."""
    choose_country(page, country)
    for label, value in ADDRESSES[country].items():
        field = page.get_by_label(label, exact=True)
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def pay(page, number, email="ada@example.com", exp="12/34", cvc="123", country="US"):
    """Pay for the page's selection; a page that ships gets an address in `country` first."""
    if page.locator("#ship_country").count() and not page.locator("#ship_name").input_value():
        fill_address(page, country)
    page.fill("#email", email)
    stripe_frames.fill_card(page, number, exp, cvc)
    button = page.locator("[data-pay-button]")
    expect(button).to_be_enabled()
    button.click()


def message(page):
    return page.locator("#payment-message")


def receipt_url():
    return re.compile(r"/orders/[\w-]+$")
