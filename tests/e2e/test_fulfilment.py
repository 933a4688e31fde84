"""Shipping an order in a real browser: the admin finds it under "To ship" and marks it shipped
(at laptop width), the customer's email arrives on a real SMTP server (tests/smtp.py) with the
tracking link, and the receipt page shows the parcel and what is still to come. Both pages are
checked at phone and laptop width (no sideways scroll, no axe violation) and screenshotted."""
import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from storefront.admin import accounts
from storefront.models import Product
from storefront.web.extensions import db
from tests.admin.helpers import add_order
from tests.admin.test_shipments import ADDRESS, _line
from tests.e2e.test_admin import EMAIL, PASSWORD, log_in
from tests.e2e.test_admin_widths import watch
from tests.a11y import axe_violations
from tests.smtp import smtp_server
from tests.waiting import wait_for

pytestmark = pytest.mark.e2e

CUSTOMER = "ada@example.com"
UPS = "https://www.ups.com/track?tracknum=1Z999AA10123456784"


@pytest.fixture
def paid_bag(app):
    """A paid bag of 3 posters, a T-shirt and the e-book, with a US address: its id and receipt id."""
    with app.app_context():
        accounts.create_admin(EMAIL, PASSWORD)
        products = {p.slug: p for p in db.session.scalars(db.select(Product))}
        items = [_line(products["city-lights-poster"], 5400, 3, 0), _line(products["organic-tee"], 2600, 1, 1),
                 _line(products["field-notes-ebook"], 1000, 1, 2)]
        items[2].selection = {"quantity": "1", "option-format": "epub", "amount": "10.00"}
        order = add_order(status="paid", paid_at=datetime(2026, 11, 1, 12, 5), created_at=datetime(2026, 11, 1, 12),
                          items=items, total=9800, subtotal=9000, shipping_amount=800,
                          shipping_rate="Standard (3–5 business days)", shipping_name="Ada Lovelace",
                          shipping_address=ADDRESS, email=CUSTOMER)
        return order.id, order.public_id


def looks_right(page, name, errors, shots):
    """No sideways scroll, nothing reported, no axe violation; a screenshot in `shots`."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    problems = {"width": width if width[0] > width[1] else None, "errors": list(errors),
                "axe": [f"{v['id']}: {v['nodes'][0]['target']}" for v in axe_violations(page)]}
    errors.clear()
    assert problems == {"width": None, "errors": [], "axe": []}, f"{name}: screenshots in {shots}"


def test_the_admin_ships_part_of_a_bag_and_the_customer_can_follow_it(page, app, shop, paid_bag, tmp_path):
    order_id, public_id = paid_bag
    errors = watch(page)
    with smtp_server(tls="starttls", users={"shop": "s3cret"}) as server:
        app.config.update(MAIL_BACKEND="smtp", SMTP_URL=server.url("shop", "s3cret"),
                          SMTP_CA_FILE=server.ca_file)
        page.set_viewport_size({"width": 1280, "height": 900})
        log_in(page, shop)
        page.get_by_label("Shipping").select_option(label="To ship")
        expect(page.locator("tbody tr[data-order-id]")).to_have_count(1)
        expect(page.locator("[data-to-ship]").first).to_have_text("City Lights poster × 3, Organic cotton T-shirt × 1")
        page.get_by_role("link", name=f"#{order_id}").click()

        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            looks_right(page, f"admin-order-to-ship-{width}", errors, tmp_path)

        # Two posters now, the third and the T-shirt later.
        page.get_by_label("City Lights poster").fill("2")
        page.get_by_label("Organic cotton T-shirt").fill("0")
        page.get_by_label("Carrier").select_option(label="UPS")
        page.get_by_label("Tracking number").fill("1Z 999 AA1 0123456784")
        page.get_by_role("button", name="Mark shipped and email the customer").click()
        expect(page.locator("[data-shipped]")).to_contain_text("Marked shipped by UPS (1Z999AA10123456784)")
        expect(page.locator("[data-to-ship]")).to_have_text("City Lights poster × 1, Organic cotton T-shirt × 1")
        expect(page.locator(".timeline [data-kind=shipment]")).to_contain_text("Shipped by UPS")

        [message] = wait_for(lambda: server.received_by(CUSTOMER), "the shipment email")
    assert message["Subject"] == f"Your order #{order_id} has shipped"
    body = message.get_content()
    assert UPS in body and "City Lights poster × 2" in body
    receipt = re.search(r"Your order online: (\S+)", body).group(1)
    assert receipt.endswith(f"/orders/{public_id}")

    page.goto(f"{shop.url}/orders/{public_id}")
    progress = page.locator("[data-progress]")
    expect(progress.locator("[data-step=shipped]")).to_contain_text("by UPS: City Lights poster × 2")
    expect(progress.get_by_role("link", name="Track the parcel (1Z999AA10123456784)")).to_have_attribute("href", UPS)
    expect(progress.locator("[data-step=to-ship]")).to_contain_text("City Lights poster × 1, Organic cotton T-shirt × 1")
    expect(progress.locator("[data-step=download]")).to_contain_text("ready to download")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        looks_right(page, f"receipt-progress-{width}", errors, tmp_path)
