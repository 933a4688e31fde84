"""Accessibility of the checkout: labelled card fields, announced errors, a checkout done with the
keyboard alone, and WCAG AA (axe-core on the page, contrast inside Stripe's frames)."""
import re

import pytest
from playwright.sync_api import expect

from storefront.catalog.products import LAYOUTS
from tests import stripe_frames
from tests.a11y import axe_violations, background_of, contrast
from tests.e2e.checkout_page import fill_address, message, open_product, pay, receipt_url, total
from tests.e2e.test_layouts import set_layout

pytestmark = pytest.mark.e2e

FIELDS = {  # container id -> label, for the split and compact layouts
    "card-number": "Card number",
    "card-expiry": re.compile("^(Expiry date|Expiry)$"),
    "card-cvc": re.compile(r"^(Security code \(CVC\)|CVC)$"),
}


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected into the page; a Content-Security-Policy would rightly refuse it.
    return {**browser_context_args, "bypass_csp": True}


def focused_in(frame_input):
    return frame_input.evaluate("e => document.activeElement === e && document.hasFocus()")


@pytest.mark.parametrize("layout", ["split", "single"])
def test_card_fields_are_labelled_and_their_errors_announced(page, shop, app, layout):
    set_layout(app, "organic-tee", layout)
    open_product(page, shop, "organic-tee")
    ids = {"card-element": "Card details"} if layout == "single" else FIELDS
    for container_id, label in ids.items():
        group = page.get_by_role("group", name=label)
        expect(group).to_have_attribute("id", container_id)
        expect(group).to_have_attribute("aria-describedby", f"{container_id}-error")
        expect(page.locator(f"#{container_id}-error")).to_have_attribute("aria-live", "polite")
        # The label is tied to the field: clicking it puts the caret inside Stripe's frame.
        page.locator(f"label[for={container_id}]").click()
        inner = page.locator(f"#{container_id} iframe").content_frame.locator("input").first
        expect(inner).to_be_focused()
        expect(inner).to_have_attribute("aria-label", re.compile("card", re.I))
    # Leaving a field empty says so in the (live) error line the group is described by.
    page.locator("#email").focus()
    last = list(ids)[-1]
    expected = "Enter your card details." if layout == "single" else "Enter the security code."
    expect(page.locator(f"#{last}-error")).to_have_text(expected)
    expect(page.get_by_role("group", name=ids[last])).to_have_accessible_description(expected)


def tab_until(page, check, key="Tab", limit=60):
    """Presses `key` until `check` (JavaScript run in the page) is true."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(check):
            return
    raise AssertionError(f"{key} never reached {check}")


@pytest.mark.parametrize("layout", ["split", "single"])
def test_a_keyboard_alone_buys_a_poster(page, shop, app, orders, layout):
    set_layout(app, "city-lights-poster", layout)
    open_product(page, shop, "city-lights-poster")  # only the address bar; no click below

    # A choice: tab to the gift tube and tick it with Space; htmx re-prices.
    tab_until(page, "() => document.activeElement.matches('input[name=addon]')")
    with page.expect_response(lambda r: r.request.headers.get("hx-request")):
        page.keyboard.press("Space")
    expect(total(page)).to_have_text("$21.50")

    # The shipping address: the country by typing its name into the select, then its own fields.
    tab_until(page, "() => document.activeElement.id === 'ship_name'")
    page.keyboard.type("Ada Lovelace")
    page.keyboard.press("Tab")
    with page.expect_response(lambda r: "ship_country=US" in r.url):
        page.keyboard.type("United States")
    page.locator("#ship_line1").wait_for()
    for value in ("1 Main Street", "", "Springfield", "Illinois", "62701"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    expect(page.locator("#ship_state")).to_have_value("IL")
    expect(total(page)).to_have_text("$27.50")  # $6.00 to ship it

    tab_until(page, "() => document.activeElement.id === 'email'")
    page.keyboard.type("ada@example.com")
    page.keyboard.press("Tab")  # on into Stripe's frame, as into any field
    if layout == "single":
        card = stripe_frames.card_element(page)
        number, expiry, cvc = (card.locator(s) for s in (
            stripe_frames.NUMBER_INPUT, stripe_frames.EXPIRY_INPUT, stripe_frames.CVC_INPUT))
    else:
        number, expiry, cvc = (stripe_frames.card_number_input(page), stripe_frames.card_expiry_input(page),
                               stripe_frames.card_cvc_input(page))
    expect(number).to_be_focused()
    page.keyboard.type("4242 4242 4242 4242")
    if layout == "split":
        page.keyboard.press("Tab")  # the one card Element moves on by itself
    expect(expiry).to_be_focused()
    page.keyboard.type("1234")
    if layout == "split":
        page.keyboard.press("Tab")
    expect(cvc).to_be_focused()
    page.keyboard.type("123")
    page.keyboard.press("Shift+Tab")  # back a field, and forward again
    expect(expiry).to_be_focused()
    expect(expiry).to_have_value("12 / 34")
    page.keyboard.press("Tab")
    expect(cvc).to_be_focused()

    button = page.locator("[data-pay-button]")
    expect(button).to_be_enabled()
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(receipt_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Your payment went through.")
    [order] = orders()
    assert order.status == "paid" and order.total == 2750
    assert order.shipping_address["postal_code"] == "62701"


def test_enter_in_a_card_field_pays(page, shop, orders):
    open_product(page, shop, "organic-tee")
    fill_address(page, "US")
    page.fill("#email", "ada@example.com")
    stripe_frames.fill_card(page, "4242424242424242", "12/34", "123")
    expect(page.locator("[data-pay-button]")).to_be_enabled()
    stripe_frames.card_cvc_input(page).press("Enter")
    page.wait_for_url(receipt_url())
    assert [o.status for o in orders()] == ["paid"]


def test_enter_in_the_email_field_is_no_choice_of_suggested_amount(page, shop):
    open_product(page, shop, "field-notes-ebook")
    page.fill("#email", "ada@example.com")
    page.locator("#email").press("Enter")  # the card is empty: nothing to pay yet
    page.wait_for_timeout(300)
    expect(page.locator("#amount")).to_have_value("10.00")
    expect(page).to_have_url(re.compile(r"/p/field-notes-ebook$"))


def assert_axe_passes(page, where):
    violations = axe_violations(page)
    assert violations == [], f"{where}: {violations}"


def assert_card_text_contrast(page, container="#card-number"):
    """axe cannot look into Stripe's frames: compare their text colours with the field's background."""
    background = background_of(page.locator(container))
    inner = page.locator(f"{container} iframe").content_frame.locator("input").first
    text = inner.evaluate("e => getComputedStyle(e).color")
    placeholder = inner.evaluate("e => getComputedStyle(e, '::placeholder').color")
    assert contrast(text, background) >= 4.5, (text, background)
    assert contrast(placeholder, background) >= 4.5, (placeholder, background)
    return inner


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_default_theme_meets_wcag_aa(page, shop, app, layout):
    set_layout(app, "letterpress-workshop", layout)
    open_product(page, shop, "letterpress-workshop")
    assert_axe_passes(page, f"{layout}: the empty checkout")
    container = "#card-element" if layout == "single" else "#card-number"
    inner = assert_card_text_contrast(page, container)

    # Errors: an invalid number (red inside the frame), a decline message, a refused tip.
    stripe_frames.type_into(inner, "4242424242424241")
    expect(page.locator(container)).to_have_class(re.compile(r"StripeElement--invalid"))
    error_color = inner.evaluate("e => getComputedStyle(e).color")
    assert contrast(error_color, background_of(page.locator(container))) >= 4.5
    page.get_by_label("Other").check()
    with page.expect_response(lambda r: r.request.headers.get("hx-request")):
        page.fill("#tip_custom", "-3")
    expect(page.locator("#price")).to_have_attribute("data-quote-ok", "false")
    assert_axe_passes(page, f"{layout}: invalid fields")
    if layout == "split":
        page.fill("#tip_custom", "")
        page.get_by_label("No tip").check()
        expect(page.locator("#price")).to_have_attribute("data-quote-ok", "true")
        inner.press("ControlOrMeta+a")
        inner.press("Backspace")
        pay(page, "4000000000009995")
        expect(message(page)).to_have_text("Your card has insufficient funds. Try another card.")
        assert_axe_passes(page, "a declined card")

        # The price changed under the customer (with a good card now): the notice, then the receipt.
        inner.press("ControlOrMeta+a")
        inner.press_sequentially("4242424242424242")
        expect(page.locator("[data-pay-button]")).to_be_enabled()
        page.eval_on_selector("input[name=expected_total]", "input => input.value = '100'")
        page.locator("[data-pay-button]").click()
        expect(page.locator("#price .notice")).to_be_visible()
        assert_axe_passes(page, "the price-changed notice")
        page.locator("[data-pay-button]").click()
        page.wait_for_url(receipt_url())
        assert_axe_passes(page, "the receipt")
