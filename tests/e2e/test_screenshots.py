"""Screenshots for the README: `make screenshots` runs this; `make test` leaves it out."""
import os
from pathlib import Path

import pytest

from tests import stripe_frames
from tests.e2e.checkout_page import open_product, receipt_url, wait_for_price

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="writes docs/; make screenshots"),
]
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1200, "height": 900}}


def test_checkout_3ds_and_receipt(page, shop):
    OUT.mkdir(parents=True, exist_ok=True)
    open_product(page, shop, "letterpress-workshop")
    wait_for_price(page, lambda: page.fill("#quantity", "2"))
    wait_for_price(page, lambda: page.get_by_label("15%").check())
    page.fill("#email", "ada@example.com")
    stripe_frames.fill_card(page, "4000002760003184", "12/34", "123")
    page.screenshot(path=OUT / "checkout.png", full_page=True)
    page.locator("[data-pay-button]").click()
    stripe_frames.three_ds_frame(page).get_by_role("button", name="Complete").wait_for()
    page.screenshot(path=OUT / "3ds.png")
    stripe_frames.complete_3ds(page)
    page.wait_for_url(receipt_url())
    page.screenshot(path=OUT / "receipt.png", full_page=True)


# --- docs/designers.md --------------------------------------------------------------------------

DESIGNERS = OUT / "designers"
# A theme made only of token values, to show them reaching inside Stripe's card fields.
DARK_TOKENS = {
    "--color-text": "#eef1f5", "--color-muted": "#b4bccb", "--color-bg": "#15181d",
    "--color-surface": "#1f242c", "--color-border": "#465061", "--color-accent": "#8ccbff",
    "--color-accent-text": "#0b1b2b", "--color-error": "#ff9b8f", "--color-success": "#7fdc9f",
    "--font-body": "Georgia, 'DejaVu Serif', serif", "--radius": "14px",
}


@pytest.fixture
def app_config():
    return {"STYLEGUIDE": True}


def guide(page, shop, state, layout="split"):
    page.goto(f"{shop.url}/styleguide/{state}?product=city-lights-poster&layout={layout}")
    if state != "success":
        page.locator(f'body[data-styleguide-ready="{state}"]').wait_for()
    page.wait_for_timeout(200)  # the frames' last resize


class pay_panel:
    """The price and pay panels, cropped to their own height (the column is as tall as the page)."""

    def __init__(self, page):
        self.page = page

    def screenshot(self, path):
        top = self.page.locator("#price").bounding_box()
        bottom = self.page.locator(".payment").bounding_box()
        clip = {"x": top["x"] - 8, "y": top["y"] - 8, "width": top["width"] + 16,
                "height": bottom["y"] + bottom["height"] - top["y"] + 16}
        self.page.screenshot(path=path, clip=clip, full_page=True)


def test_designer_screenshots(page, shop):
    DESIGNERS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{shop.url}/styleguide/")
    page.screenshot(path=DESIGNERS / "styleguide.png")

    for layout in ("split", "single", "compact"):
        guide(page, shop, "empty", layout)
        page.fill("#email", "ada@example.com")
        stripe_frames.fill_card(page, "4242424242424242", "12/34", "123")
        page.locator("#email").focus()
        page.wait_for_timeout(200)
        pay_panel(page).screenshot(path=DESIGNERS / f"layout-{layout}.png")

    for state in ("empty", "focused", "processing", "declined", "three-d-secure", "price-changed"):
        guide(page, shop, state)
        pay_panel(page).screenshot(path=DESIGNERS / f"state-{state}.png")
    # Invalid and complete for real: typed into Stripe's frames (the guide shows the classes only).
    guide(page, shop, "empty")
    stripe_frames.type_into(stripe_frames.card_number_input(page), "4242424242424241")
    stripe_frames.type_into(stripe_frames.card_expiry_input(page), "1220")
    stripe_frames.card_cvc_input(page).click()
    page.locator("#email").focus()
    page.wait_for_timeout(200)
    pay_panel(page).screenshot(path=DESIGNERS / "state-invalid.png")
    guide(page, shop, "empty")
    page.fill("#email", "ada@example.com")
    stripe_frames.fill_card(page, "4242424242424242", "12/34", "123")
    page.locator("#email").focus()
    page.wait_for_timeout(200)
    pay_panel(page).screenshot(path=DESIGNERS / "state-complete.png")
    guide(page, shop, "success")
    page.locator(".receipt").screenshot(path=DESIGNERS / "state-success.png")

    # Tokens alone restyle the page and the inside of the card fields.
    guide(page, shop, "empty")
    for name, value in DARK_TOKENS.items():
        page.evaluate("([n, v]) => document.documentElement.style.setProperty(n, v)", [name, value])
    page.fill("#email", "ada@example.com")
    stripe_frames.type_into(stripe_frames.card_number_input(page), "4242424242424241")
    stripe_frames.card_expiry_input(page).click()
    page.wait_for_timeout(300)
    pay_panel(page).screenshot(path=DESIGNERS / "tokens-dark.png")


def test_bank_option_screenshot(page, shop):
    """The pay panel with the bank option chosen (bank_account_field()), for docs/designers.md."""
    DESIGNERS.mkdir(parents=True, exist_ok=True)
    open_product(page, shop, "city-lights-poster")
    page.fill("#email", "ada@example.com")
    page.get_by_label("US bank account").check()
    page.get_by_label("Account holder's name").fill("Ada Lovelace")
    page.wait_for_timeout(200)
    pay_panel(page).screenshot(path=DESIGNERS / "bank-option.png")
