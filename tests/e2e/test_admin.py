"""The admin in a real browser: log in, search, refund in part and then in full as Stripe's
webhooks arrive, and download the orders as CSV."""
import csv
import re
import time

import pytest
import requests
from playwright.sync_api import expect

from storefront.admin import accounts
from storefront.models import Order
from storefront.web.extensions import db
from tests.helpers import Browser, card

pytestmark = pytest.mark.e2e

EMAIL, PASSWORD = "owner@example.com", "correct horse battery staple"


@pytest.fixture
def two_paid_orders(app, shop, stripe_client):
    """Ada's and Grace's orders, paid in the live shop: their ids."""
    for email in ("ada@example.com", "grace@example.com"):
        answer = Browser(shop.url, "city-lights-poster").pay(card(stripe_client), email=email)
        assert answer.json()["next"] == "receipt"
    with app.app_context():
        accounts.create_admin(EMAIL, PASSWORD)
        return db.session.scalars(db.select(Order.id).order_by(Order.id)).all()


def log_in(page, shop):
    page.goto(f"{shop.url}/admin/orders")
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{shop.url}/admin/orders")
    # htmx (deferred) binds the search box at DOMContentLoaded: typing before then is not heard.
    page.wait_for_load_state("load")


def rows(page):
    return page.locator("tbody tr[data-order-id]")


def test_log_in_search_refund_in_part_then_in_full(page, shop, two_paid_orders, console_errors):
    ada, grace = two_paid_orders
    log_in(page, shop)
    expect(rows(page)).to_have_count(2)

    # Searching re-renders only the results, and the URL follows.
    page.get_by_label("Search").fill("GRACE@example.com")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_attribute("data-order-id", str(grace))
    expect(page).to_have_url(re.compile(r"q=GRACE%40example\.com"))

    page.get_by_role("link", name=f"#{grace}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order #{grace}")
    expect(page.locator("[data-charge]")).to_contain_text("ch_")  # loaded from Stripe after the page
    status = page.locator("#order-status")
    expect(status).to_contain_text("Paid")

    page.on("dialog", lambda dialog: dialog.accept())  # "Give this money back…?"
    page.get_by_label("Amount (USD)").fill("5.00")
    page.get_by_role("button", name="Refund this amount").click()
    made = status.locator("[data-refund-made]")
    expect(made).to_have_text(re.compile(r"^(Stripe is refunding|Refunded) \$5\.00"))
    # The status part asks again until Stripe's charge.refunded has reached the order, and the
    # refund's message follows it: it never says "refunding" beside an order shown refunded.
    expect(status.locator(".badge--partially_refunded")).to_be_visible()
    expect(status.locator("[data-refund-pending]")).to_have_count(0)
    expect(status.locator("[data-refunded]")).to_have_text("$5.00")
    expect(made).to_have_text(re.compile(r"^Refunded \$5\.00: Stripe\s+confirmed it"))

    page.get_by_role("button", name="Refund all $19.00").click()
    expect(made).to_have_text(re.compile(r"^(Stripe is refunding|Refunded) \$19\.00"))
    expect(status.locator(".badge--refunded")).to_be_visible()
    expect(status.locator("[data-refunded]")).to_have_text("$24.00")
    expect(made).to_have_text(re.compile(r"^Refunded \$19\.00: Stripe\s+confirmed it"))
    page.reload()
    expect(page.get_by_text("Everything paid is refunded or on its way back.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("by webhook")
    assert console_errors == []


def test_download_the_filtered_orders_as_csv(page, shop, two_paid_orders, tmp_path):
    ada, grace = two_paid_orders
    log_in(page, shop)
    page.get_by_label("Search").fill("ada@example.com")
    expect(rows(page)).to_have_count(1)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these orders as CSV").click()
    download = download_info.value
    assert re.fullmatch(r"orders-\d{8}-\d{6}\.csv", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with path.open(newline="") as file:
        [row] = list(csv.DictReader(file))
    assert (int(row["order"]), row["email"], row["status"], row["total"]) == (
        ada, "ada@example.com", "paid", "24.00")  # the poster and its shipping


@pytest.mark.local_stripe_only  # moves the local Stripe's clock
def test_a_refund_that_fails_later_shows_why_and_can_be_made_again(page, shop, app, stripe_client,
                                                                   local_stripe, console_errors):
    # Stripe's testing docs: this card's refunds succeed, then fail "some time later".
    answer = Browser(shop.url, "city-lights-poster").pay(card(stripe_client, "4000000000005126"))
    assert answer.json()["next"] == "receipt"
    with app.app_context():
        accounts.create_admin(EMAIL, PASSWORD)
        order_id = db.session.scalar(db.select(Order.id))
    log_in(page, shop)
    page.goto(f"{shop.url}/admin/orders/{order_id}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Refund all $24.00").click()
    status = page.locator("#order-status")
    expect(status.locator(".badge--refunded")).to_be_visible()

    requests.post(f"{local_stripe.url}/_emulator/clock/advance", json={"seconds": 3600})
    deadline = time.monotonic() + 10
    while not page.locator("[data-refund-failed]").count():
        assert time.monotonic() < deadline, "the failed refund never showed"
        page.wait_for_timeout(200)
        page.reload()
    expect(page.locator("[data-refund-failed]")).to_contain_text(
        "Stripe could not return the money: the card is expired or canceled")
    expect(status.locator(".badge--paid")).to_be_visible()
    expect(status.locator("[data-refundable]")).to_have_text("$24.00")
    expect(page.get_by_role("button", name="Refund all $24.00")).to_be_visible()
    assert console_errors == []
