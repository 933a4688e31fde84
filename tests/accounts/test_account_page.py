"""The account page: the orders placed while signed in and the paid orders sent to the verified
address, each with its receipt and a "buy again" the server prices anew; a guest's checkout as
it always was."""
import html as html_lib
import re

from storefront.models import Order, Product
from storefront.web.extensions import db
from tests.accounts.helpers import sign_in
from tests.checkout.test_bag import add, bag_page
from tests.helpers import US_ADDRESS, bag_form, card, hidden_fields, open_checkout, pay

TEE = {"option-size": "xl", "option-colour": "forest", "addon": "gift-wrap", "quantity": "2"}


def buy(client, stripe_client, slug="organic-tee", email="ada@example.com", number="4242424242424242",
        **selection):
    page = open_checkout(client, slug)
    if selection:  # the page re-priced for the selection, as the customer would see it
        chosen = {**selection, "ship_country": US_ADDRESS["ship_country"]}
        page = hidden_fields(client.get(f"/p/{slug}", query_string=chosen).get_data(as_text=True))
        page |= US_ADDRESS  # the tee ships
    answer = pay(client, slug, page, card(stripe_client, number), email=email, **selection)
    return answer.json


def listed(client):
    page = client.get("/account")
    assert page.headers["Cache-Control"] == "no-store"  # no cache keeps a customer's orders
    html = page.get_data(as_text=True)
    return re.findall(r'data-order="([^"]+)"', html), html


def test_orders_placed_signed_in_and_paid_guest_orders_to_the_address_are_listed(
        app, client, outbox, stripe_client):
    guest = app.test_client()
    assert buy(guest, stripe_client)["next"] == "receipt"  # before the account, as a guest
    assert buy(guest, stripe_client, "city-lights-poster", email="someone@example.com")["next"] == "receipt"
    declined = buy(guest, stripe_client, "ceramic-mug", number="4000000000000002")
    assert declined["next"] == "retry"  # to the address, but never paid
    sign_in(client, outbox, "ADA@example.com")
    # Signed in, with another address for this receipt: still the account's order.
    assert buy(client, stripe_client, "field-notes-ebook", email="ada.work@example.com")["next"] == "receipt"

    with app.app_context():
        by_product = {o.product.slug: (o.public_id, o.account_id) for o in db.session.scalars(db.select(Order))}
    shown, html = listed(client)
    assert shown == [by_product["field-notes-ebook"][0], by_product["organic-tee"][0]]  # newest first
    assert by_product["organic-tee"][1] is None  # a guest's order stays a guest's
    assert by_product["field-notes-ebook"][1] is not None
    assert f'href="/orders/{by_product["organic-tee"][0]}"' in html  # its receipt
    # The tee's $26.00 and its parcel to the US: $5.00 and $1.00 an item.
    assert "$32.00" in html and "Paid" in html


def test_buy_again_opens_the_product_with_the_same_choices_priced_again(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    assert buy(client, stripe_client, **TEE)["next"] == "receipt"
    _, html = listed(client)
    [again] = re.findall(r'<a class="button button--secondary" href="([^"]+)">Buy again', html)
    again = html_lib.unescape(again)
    assert again.startswith("/p/organic-tee?")
    assert "ship_country=US" in again and "ship_line1" not in again  # the country, never the street
    page = client.get(again).get_data(as_text=True)
    # XL +$2.00, forest green +$1.50, per unit, times two, and the gift wrap once; its parcel
    # to the US again, $5.00 and $1.00 an item.
    expected = 2 * (2600 + 200 + 150) + 400 + 700
    assert hidden_fields(page)["expected_total"] == str(expected)
    assert re.search(r'value="xl"[^>]*checked|checked[^>]*value="xl"', page)
    assert re.search(r'<option value="US"[^>]*selected', page)
    # Priced from the catalog as it is now, not from the old order: a new price shows.
    with app.app_context():
        tee = db.session.scalar(db.select(Product).filter_by(slug="organic-tee"))
        tee.rules_data = {**tee.rules_data, "unit_price": 3000}
        db.session.commit()
    assert hidden_fields(client.get(again).get_data(as_text=True))["expected_total"] == str(
        2 * (3000 + 200 + 150) + 400 + 700)


def test_buy_again_puts_a_bag_order_back_in_the_bag_for_its_owner_only(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    add(client, "city-lights-poster", quantity="2")
    add(client, "organic-tee", **{"option-size": "l"})
    form = bag_form(bag_page(client), client)
    paid = client.post("/bag/pay", data=form | {"email": "ada@example.com", "payment_method": card(stripe_client)})
    assert paid.json["next"] == "receipt"
    client.get(paid.json["url"])  # the receipt empties the paid bag
    assert "Your bag is empty" in bag_page(client)

    [public_id], html = listed(client)
    token = hidden_fields(html)["csrf_token"]
    stranger = app.test_client()
    sign_in(stranger, outbox, "grace@example.com")
    stranger_token = hidden_fields(stranger.get("/account").get_data(as_text=True))["csrf_token"]
    assert stranger.post(f"/bag/again/{public_id}", data={"csrf_token": stranger_token}).status_code == 404
    assert app.test_client().post(f"/bag/again/{public_id}").status_code in (400, 404)  # no session at all

    answer = client.post(f"/bag/again/{public_id}", data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["Location"] == "/bag"
    again = bag_form(bag_page(client))
    assert again["line-0-quantity"] == "2" and again["line-1-option-size"] == "l"
    assert again["expected_total"] == str(2 * 1800 + 2600)
    assert again["checkout_token"] != form["checkout_token"]  # a new checkout, a new order


def test_a_guest_sees_sign_in_and_is_sent_there_from_the_account_page(client):
    home = client.get("/").get_data(as_text=True)
    assert '<a class="site-account" href="/account/sign-in">Sign in</a>' in home
    assert client.get("/account").headers["Location"] == "/account/sign-in"
    assert client.get("/account/delete").headers["Location"] == "/account/sign-in"
