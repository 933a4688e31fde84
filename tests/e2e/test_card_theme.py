"""Theme tokens reach inside Stripe's card fields: read from the page's CSS at run time and handed
to the Elements' `style` option, again whenever a token changes."""
import re

import pytest
from playwright.sync_api import expect

from tests import stripe_frames
from tests.e2e.checkout_page import open_product
from tests.waiting import wait_for

pytestmark = pytest.mark.e2e

RESOLVE = """token => {
    const probe = document.createElement('span');
    probe.style.color = getComputedStyle(document.documentElement).getPropertyValue(token);
    document.body.append(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color;
}"""


def token_color(page, token):
    """A colour token from the page's stylesheet, as the browser computes it (rgb(…))."""
    return page.evaluate(RESOLVE, token)


def set_token(page, token, value):
    page.evaluate("([t, v]) => document.documentElement.style.setProperty(t, v)", [token, value])


def placeholder_color(input_locator):
    return input_locator.evaluate("e => getComputedStyle(e, '::placeholder').color")


def test_tokens_style_the_card_fields_and_follow_changes(page, shop, console_errors):
    open_product(page, shop, "organic-tee")
    number, cvc = stripe_frames.card_number_input(page), stripe_frames.card_cvc_input(page)

    # At first the fields wear the stylesheet's tokens, like the page's own inputs.
    text = token_color(page, "--color-text")
    assert text == "rgb(29, 35, 48)"  # --color-text: #1d2330 in static/css/shop.css
    expect(number).to_have_css("color", text)
    expect(page.locator("#email")).to_have_css("color", text)
    expect(number).to_have_css("font-size", "16px")
    assert placeholder_color(number) == token_color(page, "--color-placeholder")

    # One variable on :root restyles the page and the inside of the card fields alike.
    set_token(page, "--color-text", "rgb(128, 0, 64)")
    expect(number).to_have_css("color", "rgb(128, 0, 64)")
    expect(cvc).to_have_css("color", "rgb(128, 0, 64)")
    expect(page.locator("#email")).to_have_css("color", "rgb(128, 0, 64)")
    set_token(page, "--font-size", "20px")
    expect(number).to_have_css("font-size", "20px")
    expect(page.locator("body")).to_have_css("font-size", "20px")
    set_token(page, "--color-placeholder", "rgb(0, 90, 0)")
    wait_for(lambda: placeholder_color(cvc) == "rgb(0, 90, 0)", "the card field taking the new token", seconds=5)
    expect(page.locator("#email")).to_have_css("color", "rgb(128, 0, 64)")

    # State colours: an invalid number takes --color-error, a complete one --color-complete.
    set_token(page, "--color-error", "rgb(200, 0, 0)")
    stripe_frames.type_into(number, "4242424242424241")
    expect(page.locator("#card-number")).to_have_class(re.compile(r"\bStripeElement--invalid\b"))
    expect(number).to_have_css("color", "rgb(200, 0, 0)")
    expect(page.locator("#card-number-error")).to_have_css("color", "rgb(200, 0, 0)")
    set_token(page, "--color-complete", "rgb(0, 100, 50)")
    number.press("Backspace")
    number.press_sequentially("2")
    expect(page.locator("#card-number")).to_have_class(re.compile(r"\bStripeElement--complete\b"))
    expect(number).to_have_css("color", "rgb(0, 100, 50)")
    assert console_errors == []


def test_a_scoped_token_reaches_only_the_fields_inside_its_scope(page, shop):
    """Tokens are read where each field sits, so a section may override them for its fields."""
    open_product(page, shop, "organic-tee")
    page.evaluate("""() => {
        document.querySelector('#card-cvc').closest('.field').style.setProperty('--color-placeholder', 'rgb(1, 2, 3)');
        document.dispatchEvent(new Event('theme:change'));
    }""")
    wait_for(lambda: placeholder_color(stripe_frames.card_cvc_input(page)) == "rgb(1, 2, 3)",
             "the card field taking the new token", seconds=5)
    assert placeholder_color(stripe_frames.card_number_input(page)) != "rgb(1, 2, 3)"


def test_checkboxes_take_the_accent_and_focus_never_looks_like_an_error(page, shop):
    open_product(page, shop, "city-lights-poster")
    radio, addon = page.locator("input[type=radio]").first, page.locator("input[name=addon]").first
    accent = token_color(page, "--color-accent")
    expect(radio).to_have_css("accent-color", accent)
    expect(addon).to_have_css("accent-color", accent)
    set_token(page, "--color-accent", "rgb(90, 40, 120)")
    expect(addon).to_have_css("accent-color", "rgb(90, 40, 120)")

    # The ring of a focused field is the focus token, also on a field marked invalid.
    error = token_color(page, "--color-error")
    quantity = page.locator("#quantity")
    with page.expect_response(lambda r: r.request.headers.get("hx-request")):
        quantity.fill("60")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    for field in (radio, addon, quantity, page.get_by_role("link").first):
        field.focus()
        ring = field.evaluate("e => getComputedStyle(e).outlineColor")
        assert ring == token_color(page, "--color-focus") != error, field
        assert field.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
