"""Tax in a real browser (TAX_MODE=exclusive): a poster to California shows its tax once the address
is typed in, before paying; Pay charges it and the receipt shows it."""
import pytest
from playwright.sync_api import expect

from tests.e2e.checkout_page import choose_country, open_product, pay, receipt_url, total

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("fresh_local_stripe")]

POSTER = "city-lights-poster"
CALIFORNIA = {"Full name": "Ada Lovelace", "Address": "1 Market Street", "City": "San Francisco",
              "State": "CA", "ZIP code": "94105"}


@pytest.mark.parametrize("app_config", [{"TAX_MODE": "exclusive"}])
def test_a_poster_to_california_shows_its_tax_before_paying(page, shop, orders, stripe_client,
                                                            console_errors):
    open_product(page, shop, POSTER)
    tax = page.locator("#price [data-tax]")
    choose_country(page, "US")
    expect(tax).to_contain_text("calculated once you enter your address")
    expect(total(page)).to_have_text("$24.00")  # $18.00 and $6.00 shipping, before tax
    with page.expect_response(lambda r: r.url.endswith(f"/p/{POSTER}/tax")):
        for label, value in CALIFORNIA.items():
            field = page.get_by_label(label, exact=True)
            if label == "State":
                field.select_option(value)
            else:
                field.fill(value)
        page.get_by_label("ZIP code", exact=True).press("Tab")  # the change that completes it
    # 7.25 % of the poster; California does not tax shipping.
    expect(tax).to_contain_text("CA sales tax 7.25 %")
    expect(tax).to_contain_text("$1.31")
    expect(total(page)).to_have_text("$25.31")
    expect(page.locator("#pay-amount")).to_have_text("$25.31")
    pay(page, "4242424242424242")
    expect(page).to_have_url(receipt_url())
    expect(page.locator("[data-tax]")).to_contain_text("$1.31")
    expect(page.locator("[data-total]")).to_have_text("$25.31")
    [order] = orders()
    assert (order.status, order.total, order.tax_amount) == ("paid", 2531, 131)
    assert stripe_client.payment_intents.retrieve(order.payment_intent_id).amount == 2531
    assert console_errors == []
