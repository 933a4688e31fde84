"""Screenshots for the README: `make screenshots` runs this; `make test` leaves it out."""
import os
from pathlib import Path

import pytest

from tests import stripe_frames
from tests.e2e.checkout_page import open_product, pay, receipt_url, wait_for_price

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
