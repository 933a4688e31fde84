"""Every admin page as a merchant sees it on a phone (390 px) and on a laptop (1280 px): no page
wider than the screen, no Content-Security-Policy violation, no axe violation, refunds included.
A screenshot of each page is left in the test's tmp dir to look at."""
import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from storefront.admin import accounts
from storefront.models import (
    Maker,
    Order,
    OrderLine,
    Product,
    Refund,
    Shipment,
    ShipmentLine,
    Transfer,
    TransferReversal,
    utcnow,
)
from storefront.web.extensions import db
from tests.a11y import AXE, axe_violations
from tests.admin.helpers import add_order
from tests.e2e.test_admin import EMAIL, PASSWORD
from tests.helpers import Browser, card

pytestmark = pytest.mark.e2e

WIDTHS = {"phone": 390, "laptop": 1280}
# SCREENSHOTS=1 (make screenshots): the phone's order and sales pages are docs/admin.md's pictures.
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" if os.environ.get("SCREENSHOTS") else None
DOCS_SHOTS = {"order-bag": "phone-admin-order.png", "sales": "phone-admin-sales.png"}


def _line(product, amount, refunded=0, position=0, quantity="1"):
    return OrderLine(position=position, product=product, maker_id=product.maker_id,
                     selection={"quantity": quantity}, lines=[{"label": product.name, "amount": amount}],
                     subtotal=amount, tip=0, amount=amount, refunded=refunded)


@pytest.fixture
def shop_with_orders(app, shop, stripe_client):
    """A paid order through the live shop (its payment at Stripe, refundable), a refunded order,
    and a paid bag of makers' lines with refunds, transfers and a reversal: the ids of the paid
    one and the bag."""
    answer = Browser(shop.url, "city-lights-poster").pay(card(stripe_client), email="grace@example.com")
    assert answer.json()["next"] == "receipt"
    with app.app_context():
        admin = accounts.create_admin(EMAIL, PASSWORD)
        paid = db.session.scalar(db.select(Order.id))
        now = utcnow()
        add_order(email="ada.lovelace@analytical-engines.example", status="refunded", amount_refunded=1800,
                  created_at=now - timedelta(days=2), paid_at=now - timedelta(days=2))
        products = {p.slug: p for p in db.session.scalars(db.select(Product))}
        poster, workshop, tee = (products[slug] for slug in
                                 ("city-lights-poster", "letterpress-workshop", "organic-tee"))
        items = [_line(poster, 3600, refunded=1000, quantity="2"),
                 _line(workshop, 4500, refunded=4500, position=1), _line(tee, 2400, position=2)]
        bag = add_order(email="charles.babbage@difference-engines.example", status="partially_refunded",
                        total=10500, subtotal=10500, amount_refunded=5500, items=items,
                        lines=[{"label": item.product.name, "amount": item.amount} for item in items],
                        created_at=now - timedelta(days=1), paid_at=now - timedelta(days=1),
                        shipping_name="Charles Babbage", shipping_amount=800, shipping_rate="Standard",
                        shipping_address={"line1": "1 Dorset Street", "line2": None, "city": "London",
                                          "state": None, "postal_code": "W1U 4EG", "country": "GB"})
        # One of the two posters posted: the shipping panel with a parcel and a form for the rest.
        db.session.add(Shipment(order=bag, request_id="t" * 20, carrier="royal-mail",
                                tracking_number="AB123456789GB", admin_id=admin.id,
                                created_at=now - timedelta(hours=18), email_sent_at=now - timedelta(hours=18),
                                lines=[ShipmentLine(order_line=items[0], quantity=1)]))
        refund = Refund(order=bag, request_id="r" * 20, idempotency_key="key-bag-1", amount=4500,
                        reason="requested_by_customer", status="accepted", stripe_status="succeeded",
                        charge_refunded_after=4500, charge_id="ch_3QxExampleCharge00001",
                        stripe_refund_id="re_3QxExampleRefundId0001", admin_id=admin.id, lines_settled=True,
                        created_at=now - timedelta(hours=20))
        late = Refund(order=bag, request_id="s" * 20, idempotency_key="key-bag-2", amount=1000,
                      status="refused", error="The charge was disputed", admin_id=admin.id,
                      created_at=now - timedelta(hours=19))
        db.session.add_all([refund, late])
        for item, made in ((items[1], True), (items[0], False)):
            maker = db.session.get(Maker, item.product.maker_id)
            transfer = Transfer(order=bag, maker=maker, amount=item.amount * 85 // 100,
                                commission=item.amount - item.amount * 85 // 100, currency=bag.currency,
                                status="made" if made else "waiting",
                                idempotency_key=f"transfer-{maker.slug}",
                                stripe_transfer_id="tr_3QxExampleTransfer0001" if made else None,
                                amount_reversed=1000 if made else 0,
                                error=None if made else "the maker's account is not enabled yet")
            db.session.add(transfer)
            db.session.flush()
            db.session.add(TransferReversal(
                transfer=transfer, order_line_id=item.id, refund_id=refund.id, amount=1000,
                idempotency_key=f"reversal-{maker.slug}", status="pending" if made else "deducted",
                tries=2 if made else 0, error="Stripe could not be reached" if made else None))
        db.session.commit()
        return paid, bag.id


def watch(page):
    """What the page reports as errors, Content-Security-Policy violations included. The CSP
    stays on (no bypass_csp): axe comes in as an init script, which the policy does not govern."""
    page.add_init_script(path=AXE)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.expose_function("reportViolation", lambda text: errors.append(text))
    page.add_init_script("""document.addEventListener("securitypolicyviolation",
        e => window.reportViolation(`CSP ${e.violatedDirective}: ${e.blockedURI} ${e.sample} at `
            + `${e.sourceFile}:${e.lineNumber}:${e.columnNumber} on ${e.target.outerHTML?.slice(0, 160)}`));""")
    return errors


def check(page, name, errors, shots):
    """The page as it is now: its width against the screen's, what it reported, axe's
    violations, and the elements reaching past the screen's edge (inside a scrolling panel or
    a visually hidden table head they do no harm). Its screenshot is saved in `shots`."""
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("link", name="Your bag")).to_have_count(0)  # the admin's own header
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    seen = list(errors)
    errors.clear()
    return {"page": name, "width": width, "errors": seen,
            "axe": [f"{v['id']}: {v['nodes'][0]['target']}" for v in axe_violations(page)],
            "wide": page.evaluate("""() => [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                .slice(0, 5).map(e => e.tagName + "." + e.className)""")}


@pytest.mark.parametrize("screen", WIDTHS)
def test_every_admin_page_fits_the_screen_without_violations(page, shop, shop_with_orders, screen,
                                                             tmp_path):
    paid, bag = shop_with_orders
    page.set_viewport_size({"width": WIDTHS[screen], "height": 800})
    errors = watch(page)
    shots = tmp_path / screen
    shots.mkdir()
    results = []

    page.goto(f"{shop.url}/admin/orders")
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    results.append(check(page, "login", errors, shots))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("tbody tr[data-order-id]")).to_have_count(3)
    results.append(check(page, "orders", errors, shots))

    page.goto(f"{shop.url}/admin/orders/{bag}")
    expect(page.locator("[data-transfer]")).to_have_count(2)
    results.append(check(page, "order-bag", errors, shots))

    page.goto(f"{shop.url}/admin/orders/{paid}")
    expect(page.locator("[data-charge]")).to_contain_text("ch_")
    results.append(check(page, "order-paid", errors, shots))
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Amount (USD)").fill("5.00")
    page.get_by_role("button", name="Refund this amount").click()
    expect(page.locator("[data-refund-made]")).to_be_visible()
    expect(page.locator("#order-status .badge--partially_refunded")).to_be_visible()
    # The refund's message agrees with the order shown under it.
    expect(page.locator("[data-refund-made]")).to_have_text(re.compile(r"^Refunded \$5\.00: Stripe\s+confirmed it"))
    results.append(check(page, "order-refunded", errors, shots))

    page.goto(f"{shop.url}/admin/sales")
    expect(page.locator("[data-products] tbody tr")).not_to_have_count(0)
    results.append(check(page, "sales", errors, shots))
    page.locator("summary").click()  # the per-day table
    results.append(check(page, "sales-per-day", errors, shots))

    page.goto(f"{shop.url}/admin/makers")
    results.append(check(page, "makers", errors, shots))
    page.locator("[data-maker] a").first.click()
    expect(page.locator(".maker-detail")).to_be_visible()
    results.append(check(page, "maker", errors, shots))

    if DOCS and screen == "phone":
        for name, file in DOCS_SHOTS.items():
            shutil.copyfile(shots / f"{name}.png", DOCS / file)
    print(*(f"{r['page']} at {r['width'][1]} px: {r['width'][0]} px wide" for r in results), sep="\n")
    problems = [r for r in results if r["width"][0] > r["width"][1] or r["errors"] or r["axe"]]
    assert problems == [], f"screenshots in {shots}"
