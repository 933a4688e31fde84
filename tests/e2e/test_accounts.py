"""A returning customer in a real browser: "Sign in" in the header, the link read from the
shop's email (a real SMTP server), the account page with the order bought as a guest, "buy
again" opening the product with the same choices, priced by the server, and paying it with the
card saved for next time."""
import re

import pytest
import requests
from playwright.sync_api import expect

from tests.accounts.helpers import LINK
from tests.checkout.test_receipts import USERS, use
from tests.e2e.checkout_page import pay, receipt_url, total
from tests.helpers import US_ADDRESS, card, hidden_fields
from tests.smtp import smtp_server
from tests.waiting import wait_for

pytestmark = pytest.mark.e2e

TEE = {"option-size": "xl", "option-colour": "forest", "quantity": "2"}


def bought_as_guest(shop, stripe_client, email):
    """A T-shirt order shipped to the US, paid without an account, from another browser (no
    JavaScript needed)."""
    browser = requests.Session()
    chosen = {**TEE, "ship_country": US_ADDRESS["ship_country"]}
    page = hidden_fields(browser.get(f"{shop.url}/p/organic-tee", params=chosen).text)
    answer = browser.post(f"{shop.url}/p/organic-tee/pay", headers={"Accept": "application/json"},
                          data={**page, **TEE, **US_ADDRESS, "email": email,
                                "payment_method": card(stripe_client)})
    assert answer.json()["next"] == "receipt", answer.text
    return answer.json()["url"]


def sign_in_by_link(page, app, shop, email="ada@example.com"):
    """Sign the browser in as `email` by the link the shop emails to a real SMTP server."""
    app.config["SHOP_URL"] = shop.url
    with smtp_server(users=USERS) as server:
        use(app, server)
        page.goto(f"{shop.url}/account/sign-in")
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Email me a sign-in link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        message = wait_for(lambda: [m for m in server.received_by(email)
                                    if m["Subject"].startswith("Sign in")], "the sign-in email")[0]
    [link] = LINK.findall(message.get_content())
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{shop.url}/account")


def test_sign_in_by_the_emailed_link_see_the_order_buy_it_again_and_save_the_card(page, app, shop, stripe_client):
    app.config["SHOP_URL"] = shop.url  # where emailed links lead
    with smtp_server(users=USERS) as server:
        use(app, server)
        receipt = bought_as_guest(shop, stripe_client, "ada@example.com")
        page.goto(shop.url)
        page.get_by_role("link", name="Sign in").click()
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_role("button", name="Email me a sign-in link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        message = wait_for(lambda: [m for m in server.received_by("ada@example.com")
                                    if m["Subject"].startswith("Sign in")], "the sign-in email")[0]
    [link] = LINK.findall(message.get_content())
    assert link.startswith(f"{shop.url}/account/sign-in/")

    page.goto(link)
    expect(page.get_by_text("Sign in as ada@example.com?")).to_be_visible()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{shop.url}/account")
    expect(page.locator("header").get_by_role("link", name="Your account")).to_be_visible()
    [order] = page.locator("[data-order]").all()
    expect(order).to_contain_text("Organic cotton T-shirt")
    expect(order.get_by_role("link", name=re.compile("^Receipt"))).to_have_attribute(
        "href", receipt.removeprefix(shop.url))

    order.get_by_role("link", name=re.compile("^Buy again")).click()
    page.wait_for_url(re.compile(r"/p/organic-tee\?"))
    expect(page.get_by_label("XL")).to_be_checked()
    expect(page.get_by_label("Forest green")).to_be_checked()
    expect(page.locator("#quantity")).to_have_value("2")
    # 2 × ($26.00 + $2.00 + $1.50), priced now, and the parcel to the same country: $5.00 and
    # $1.00 an item to the US (the street address is asked again; a URL never carries it).
    expect(page.get_by_label("Country")).to_have_value("US")
    expect(total(page)).to_have_text("$66.00")

    # Paid again, signed in, the card saved for next time: the account lists both, and the card.
    page.get_by_label("Save this card for next time").check()
    pay(page, "4242424242424242")
    page.wait_for_url(receipt_url())
    page.goto(f"{shop.url}/account")
    expect(page.locator("[data-order]")).to_have_count(2)
    expect(page.locator("[data-saved-method]")).to_have_text(["Visa ending 4242, expires 12/2034"])
