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


def pay(page, number, email="ada@example.com", exp="12/34", cvc="123"):
    page.fill("#email", email)
    stripe_frames.fill_card(page, number, exp, cvc)
    button = page.locator("[data-pay-button]")
    expect(button).to_be_enabled()
    button.click()


def message(page):
    return page.locator("#payment-message")


def receipt_url():
    return re.compile(r"/orders/[\w-]+$")
