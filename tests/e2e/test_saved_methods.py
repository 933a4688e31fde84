"""A returning customer's saved ways of paying in a real browser: paying with a saved card on
the next visit (with 3-D Secure when the bank asks every time), adding a card and linking a bank
account by microdeposits on the account page, then paying by it, removing one, and deleting the
account."""
import pytest
from playwright.sync_api import expect

from storefront.accounts import customers
from storefront.models import Account
from storefront.web.extensions import db
from tests import stripe_frames
from tests.e2e.checkout_page import fill_address, receipt_url
from tests.e2e.test_accounts import sign_in_by_link
from tests.helpers import card

pytestmark = pytest.mark.e2e


def saved_card(app, stripe_client, number, email="ada@example.com"):
    """A card saved to the account's Customer (as "Save this card for next time" left it)."""
    with app.app_context():
        account = db.session.scalar(db.select(Account).filter_by(email=email))
        customer = customers.stripe_customer_id(account)
    return stripe_client.payment_methods.attach(card(stripe_client, number), {"customer": customer}).id


def pay_with_saved(page, shop, slug, name, total=None):
    page.goto(f"{shop.url}/p/{slug}")
    choice = page.get_by_label(name)
    expect(choice).to_be_checked()  # the default, or the only one, comes first and chosen
    if page.locator("#ship_country").count():
        fill_address(page)
    if total:
        expect(page.locator("[data-total]")).to_have_text(total)
    page.fill("#email", "ada@example.com")
    button = page.locator("[data-pay-button]")
    expect(button).to_be_enabled()  # no card fields to fill
    button.click()


def test_pay_with_a_saved_card_on_the_next_visit(page, app, shop, stripe_client, orders,
                                                stripe_requests):
    sign_in_by_link(page, app, shop)
    saved_card(app, stripe_client, "4242424242424242")
    before = len(stripe_requests(method="POST"))
    pay_with_saved(page, shop, "organic-tee", "Visa ending 4242")
    page.wait_for_url(receipt_url())
    assert [r["path"] for r in stripe_requests(method="POST")[before:]] == ["/v1/payment_intents"]
    assert orders()[0].status == "paid"


def test_a_saved_card_that_asks_for_3ds_every_time(page, app, shop, stripe_client, orders):
    sign_in_by_link(page, app, shop)
    saved_card(app, stripe_client, "4000002760003184")
    pay_with_saved(page, shop, "organic-tee", "Visa ending 3184")
    stripe_frames.complete_3ds(page)
    page.wait_for_url(receipt_url())
    assert orders()[0].status == "paid"


def test_add_a_card_that_needs_3ds_to_be_saved(page, app, shop, stripe_client):
    sign_in_by_link(page, app, shop)
    stripe_frames.fill_card(page, "4000002500003155", "12/34", "123")
    page.get_by_role("button", name="Save this card").click()
    stripe_frames.complete_3ds(page)
    expect(page.locator("[data-saved-method]")).to_have_text(["Visa ending 3155, expires 12/2034"])


def test_link_a_bank_by_microdeposits_then_pay_by_it(page, app, shop, orders):
    sign_in_by_link(page, app, shop)
    page.get_by_label("Account holder's name").fill("Jenny Rosen")
    page.get_by_role("button", name="Link a bank account").click()
    stripe_frames.enter_bank_details(page, "110000000", "000123456789")
    page.get_by_role("button", name="Agree and link").click()
    waiting = page.locator("[data-waiting]")
    expect(waiting).to_contain_text("two small deposits")
    amounts = waiting.locator("[data-amount]")
    amounts.nth(0).fill("32")
    amounts.nth(1).fill("45")
    waiting.get_by_role("button", name="Verify").click()
    expect(page.locator("[data-saved-method]")).to_contain_text(["account ending 6789"])
    expect(page.locator("[data-waiting]")).to_have_count(0)

    pay_with_saved(page, shop, "field-notes-ebook", "STRIPE TEST BANK account ending 6789")
    page.wait_for_url(receipt_url())
    assert orders()[0].status == "processing"  # the debit is on its way, as for any bank payment


def test_remove_a_saved_method(page, app, shop, stripe_client):
    sign_in_by_link(page, app, shop)
    saved_card(app, stripe_client, "4242424242424242")
    page.reload()
    page.get_by_role("link", name="Remove Visa ending 4242").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Visa ending 4242?")
    page.get_by_role("button", name="Remove it").click()
    expect(page.get_by_role("status").filter(has_text="Removed")).to_be_visible()
    expect(page.locator("[data-saved-method]")).to_have_count(0)
    page.goto(f"{shop.url}/p/organic-tee")
    expect(page.locator("[data-saved-methods]")).to_have_count(0)


def test_delete_the_account(page, app, shop, stripe_client):
    sign_in_by_link(page, app, shop)
    method = saved_card(app, stripe_client, "4242424242424242")
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("deleted")
    assert stripe_client.payment_methods.retrieve(method).customer is None
    with app.app_context():
        assert db.session.scalar(db.select(Account)) is None
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()
