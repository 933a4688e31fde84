"""What only paying needs (static/js/paying.js, and bank.js for the bank) comes when the customer
turns to paying, not with the page; and a Pay pressed while it is still on its way is not lost,
on a slow network or a failing one."""
import re

import pytest
from playwright.sync_api import expect

from tests import stripe_frames
from tests.e2e.checkout_page import fill_address, message, open_product, pay, receipt_url

pytestmark = pytest.mark.e2e

SLUG = "city-lights-poster"  # priced in USD: the bank is offered beside the card
PAYING = re.compile(r"/static/js/paying\.js\?v=")
BANK = re.compile(r"/static/js/bank\.js\?v=")


def held(page, pattern):
    """Requests for `pattern` are kept waiting, as on a slow network, until the test lets them go."""
    waiting = []
    page.route(pattern, lambda route: waiting.append(route))
    return waiting


def release(waiting):
    for route in waiting:
        route.continue_()


def test_a_first_visit_loads_the_paying_code_only_when_the_customer_turns_to_paying(
        page, shop, console_errors):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_product(page, shop, SLUG)
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if PAYING.search(url) or BANK.search(url)]

    with page.expect_request(PAYING):
        page.focus("#email")
    with page.expect_request(BANK):
        page.get_by_label("US bank account").check()
    page.get_by_label("Card", exact=True).check()
    page.get_by_label("US bank account").check()
    page.wait_for_load_state("networkidle")
    # Each imported once, however often the customer turns back to it.
    assert sum(bool(PAYING.search(url)) for url in requested) == 1
    assert sum(bool(BANK.search(url)) for url in requested) == 1
    assert console_errors == []


def test_pay_by_bank_pressed_while_bank_js_is_on_its_way_opens_the_bank_dialog_when_it_arrives(
        page, shop, orders):
    waiting = held(page, BANK)
    open_product(page, shop, SLUG)
    fill_address(page, "US")
    page.fill("#email", "ada@example.com")
    page.get_by_label("US bank account").check()
    # Pay is ready as soon as the panel's fields are: its module is not needed for that.
    button = page.locator("[data-pay-button]")
    expect(button).to_be_disabled()
    page.get_by_label("Account holder's name").fill("   ")
    expect(button).to_be_disabled()
    page.get_by_label("Account holder's name").fill("Jenny Rosen")
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator("#checkout")).to_have_attribute("aria-busy", "true")
    expect(button).to_be_disabled()
    assert waiting and orders() == []  # nothing was asked of the shop yet

    release(waiting)
    expect(stripe_frames.bank_dialog_frame(page)).to_be_visible()
    stripe_frames.link_test_bank(page, "Success")
    page.get_by_role("button", name="Agree and pay").click()
    page.wait_for_url(receipt_url())
    [order] = orders()
    assert order.status == "processing"


def test_pay_by_card_pressed_while_the_paying_code_is_on_its_way_pays_once_it_arrives(
        page, shop, orders):
    waiting = held(page, PAYING)
    open_product(page, shop, SLUG)
    pay(page, "4242424242424242")
    expect(page.locator("#checkout")).to_have_attribute("aria-busy", "true")
    assert waiting and orders() == []

    release(waiting)
    page.wait_for_url(receipt_url())
    [order] = orders()
    assert order.status == "paid"


def test_paying_code_that_cannot_be_fetched_is_explained_and_pay_works_once_it_can(
        page, shop, orders):
    page.route(PAYING, lambda route: route.abort("internetdisconnected"))
    open_product(page, shop, SLUG)
    pay(page, "4242424242424242")
    expect(message(page)).to_contain_text("could not reach the shop")
    button = page.locator("[data-pay-button]")
    expect(button).to_be_enabled()  # free to try again
    assert orders() == []

    page.unroute(PAYING)
    button.click()
    page.wait_for_url(receipt_url())
    assert orders()[0].status == "paid"
