"""The style guide in a browser: every state shows what it says, passes axe, and the token editor
restyles the card fields."""
import re

import pytest
from playwright.sync_api import expect

from storefront.catalog.products import LAYOUTS
from storefront.payments import decisions
from storefront.styleguide import STATES
from tests import stripe_frames
from tests.a11y import axe_violations
from tests.e2e.checkout_page import message

pytestmark = pytest.mark.e2e
CARD_FIELD_STATES = ("empty", "focused", "invalid", "complete")


@pytest.fixture
def app_config():
    return {"STYLEGUIDE": True}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # axe is injected


def open_state(page, shop, key, layout="split"):
    page.goto(f"{shop.url}/styleguide/{key}?product=city-lights-poster&layout={layout}")
    if key != "success":
        expect(page.locator("body")).to_have_attribute("data-styleguide-ready", key)


def containers(page):
    return page.locator("[data-stripe-element]")


def expect_every_container(page, pattern):
    for index in range(containers(page).count()):
        expect(containers(page).nth(index)).to_have_class(re.compile(pattern))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_state_shows_itself_and_passes_axe(page, shop, layout, console_errors):
    button = page.locator("[data-pay-button]")
    # Layouts differ only in the card fields: the other layouts go through the states of those.
    states = STATES if layout == "split" else [s for s in STATES if s.key in CARD_FIELD_STATES]
    for state in states:
        open_state(page, shop, state.key, layout)
        match state.key:
            case "empty":
                expect_every_container(page, r"\bStripeElement--empty\b")
                expect(button).to_be_disabled()
            case "focused":
                expect(containers(page).first).to_have_class(re.compile(r"\bStripeElement--focus\b"))
            case "invalid":
                expect_every_container(page, r"\bStripeElement--invalid\b")
                expect(page.locator("[data-error-for]").first).not_to_be_empty()
            case "complete":
                expect_every_container(page, r"\bStripeElement--complete\b")
            case "processing":
                expect(message(page)).to_have_text("Processing your payment…")
                expect(page.locator("#checkout")).to_have_attribute("aria-busy", "true")
                expect(button).to_be_disabled()
            case "declined":
                expect(message(page)).to_have_text(decisions.DECLINE_MESSAGES["insufficient_funds"])
                expect(message(page)).to_have_attribute("data-kind", "error")
            case "three-d-secure":
                expect(message(page)).to_have_text("Your bank asks you to confirm this payment…")
            case "price-changed":
                expect(page.locator("#price .notice")).to_contain_text("The price has changed to $18.00")
                expect(message(page)).to_contain_text("The price has changed")
            case "success":
                expect(page.get_by_role("heading", level=1)).to_have_text("Thank you! Your payment went through.")
        assert axe_violations(page) == [], f"{layout} layout, {state.title}"
    assert console_errors == []


def test_the_token_editor_restyles_the_card_fields(page, shop):
    open_state(page, shop, "empty")
    page.get_by_text("Try the theme tokens here").click()
    page.locator('[data-token-input="--color-text"]').fill("rgb(10, 90, 40)")
    expect(stripe_frames.card_number_input(page)).to_have_css("color", "rgb(10, 90, 40)")
    expect(page.locator("h1")).to_have_css("color", "rgb(10, 90, 40)")
