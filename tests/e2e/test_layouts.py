"""The three checkout layouts share one JavaScript and one set of views: each takes a payment."""
import pytest
from playwright.sync_api import expect

from storefront.catalog.products import LAYOUTS
from storefront.models import Product
from storefront.web.extensions import db
from tests import stripe_frames
from tests.e2e.checkout_page import open_product, pay, receipt_url

pytestmark = pytest.mark.e2e


def set_layout(app, slug, layout):
    with app.app_context():
        db.session.scalar(db.select(Product).filter_by(slug=slug)).layout = layout
        db.session.commit()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_takes_a_payment(page, shop, app, orders, layout, console_errors):
    set_layout(app, "organic-tee", layout)
    open_product(page, shop, "organic-tee")
    expect(page.locator("#checkout")).to_have_class(f"checkout checkout--{layout}")
    assert stripe_frames.uses_card_element(page) == (layout == "single")
    containers = page.locator("[data-stripe-element]")
    expect(containers).to_have_count(1 if layout == "single" else 3)

    # An empty field left behind says what is missing, in its own error line.
    first = stripe_frames.card_element(page) if layout == "single" else stripe_frames.card_number(page)
    first.locator(stripe_frames.NUMBER_INPUT).click()
    page.locator("#email").click()
    error = page.locator("#card-element-error" if layout == "single" else "#card-number-error")
    expect(error).to_have_text("Enter your card details." if layout == "single" else "Enter your card number.")

    pay(page, "4242424242424242")
    page.wait_for_url(receipt_url())
    [order] = orders()
    assert order.status == "paid"
    assert console_errors == []
