"""The bank discount at checkout: shown in the price partial when the customer picks the bank,
priced again at Pay (a changed discount is a 409), charged, and kept in the order's lines; the
bag takes it once and shares it over its lines."""
import re

from storefront.models import Order, Product
from storefront.web.extensions import db
from tests.checkout.test_bag import add, bag_page
from tests.checkout.test_price_partial import total_in
from tests.helpers import bag_form, card, open_checkout, pay

HTMX = {"HX-Request": "true"}
POSTER = "city-lights-poster"
BANK = "us_bank_account"


def discount_in(html):
    found = re.search(r'<tr class="breakdown__discount" data-discount><th scope="row">([^<]+)</th>'
                      r"<td>([^<]+)</td>", html)
    return found and found.groups()


def pay_amount_in(html):
    return re.search(r'<span id="pay-amount"[^>]*>([^<]*)</span>', html).group(1).strip()


def test_the_partial_shows_the_discount_when_the_bank_is_picked(client):
    by_bank = client.get(f"/p/{POSTER}?quantity=2&method={BANK}", headers=HTMX).get_data(as_text=True)
    assert discount_in(by_bank) == ("Bank discount (2%)", "−$0.72")
    assert total_in(by_bank) == "$35.28"
    assert pay_amount_in(by_bank) == "$35.28"  # the Pay button names what is charged
    by_card = client.get(f"/p/{POSTER}?quantity=2&method=card", headers=HTMX).get_data(as_text=True)
    assert discount_in(by_card) is None and total_in(by_card) == "$36.00"


def test_a_card_partial_is_the_partial_without_a_method(client):
    """The method joins the cache key only when it changes the price: a card's partial is the
    one every page without a method choice asks for (the same ETag)."""
    plain = client.get(f"/p/{POSTER}?quantity=2", headers=HTMX)
    by_card = client.get(f"/p/{POSTER}?quantity=2&method=card", headers=HTMX)
    by_bank = client.get(f"/p/{POSTER}?quantity=2&method={BANK}", headers=HTMX)
    assert by_card.headers["ETag"] == plain.headers["ETag"] != by_bank.headers["ETag"]
    assert by_card.get_data() == plain.get_data()


def test_the_page_offers_the_discount_beside_the_bank(client):
    html = client.get(f"/p/{POSTER}").get_data(as_text=True)
    assert re.search(r'value="us_bank_account"[^>]*> US bank account <span class="method-choice__offer">'
                     r"\(2% off\)</span>", html)
    # Nothing for a pay-what-you-want product: the customer names that price.
    assert "method-choice__offer" not in client.get("/p/field-notes-ebook").get_data(as_text=True)


def test_without_javascript_the_posted_form_prices_the_bank(client):
    page = open_checkout(client, POSTER)
    html = client.post(f"/p/{POSTER}", data={**page, "quantity": "1", "method": BANK}).get_data(as_text=True)
    assert discount_in(html) == ("Bank discount (2%)", "−$0.36") and total_in(html) == "$23.64"  # and $6.00 to ship it
    assert re.search(r'value="us_bank_account" checked', html)  # still the customer's choice


def test_the_bank_is_charged_the_discounted_total_and_the_order_keeps_the_line(
        app, client, stripe_client):
    page = open_checkout(client, POSTER, method=BANK)
    assert page["expected_total"] == "2364"  # $17.64 and $6.00 to ship it
    answer = pay(client, POSTER, page, "", method=BANK).json
    assert answer["next"] == "collect", answer
    intent = stripe_client.payment_intents.retrieve(answer["client_secret"].split("_secret_")[0])
    assert (intent.amount, intent.payment_method_types) == (2364, [BANK])
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        assert (order.subtotal, order.total, order.shipping_amount) == (1800, 2364, 600)
        assert order.lines[-1] == {"label": "Bank discount (2%)", "amount": -36}
        assert [line.amount for line in order.items] == [1764]


def test_a_bank_payment_on_the_card_price_is_a_409(client, stripe_requests, orders):
    """The page showed the card's total; the customer switched to the bank without a new
    price (a lost partial): the server's price differs, so nothing is charged."""
    page = open_checkout(client, POSTER)
    response = pay(client, POSTER, page, "", method=BANK)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The price has changed to $23.64" in html and discount_in(html)
    assert stripe_requests(method="POST", path="/v1/payment_intents") == [] and orders() == []


def test_a_changed_discount_is_a_409(app, client, stripe_requests, orders):
    page = open_checkout(client, POSTER, method=BANK)
    with app.app_context():
        poster = db.session.scalars(db.select(Product).filter_by(slug=POSTER)).one()
        poster.rules_data = {**poster.rules_data, "bank_discount": {"percent": 5, "amount": None}}
        db.session.commit()
    response = pay(client, POSTER, page, "", method=BANK)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The price has changed to $23.10" in html
    assert discount_in(html) == ("Bank discount (5%)", "−$0.90")
    assert stripe_requests(method="POST", path="/v1/payment_intents") == [] and orders() == []


def test_the_bag_takes_the_discount_once_and_shares_it_over_its_lines(app, client, stripe_client):
    add(client, POSTER, quantity="2")
    add(client, "organic-tee")
    add(client, "field-notes-ebook")  # pay what you want: not discounted
    form = bag_form(bag_page(client), client)  # shipped to a US address
    partial = client.get("/bag", query_string={**form, "method": BANK}, headers=HTMX).get_data(as_text=True)
    # 2% of $36.00 + $26.00, not of the e-book's $10.00; one parcel of three items, $8.00.
    assert discount_in(partial) == ("Bank discount (2%)", "−$1.24")
    assert total_in(partial) == "$78.76" and pay_amount_in(partial) == "$78.76"
    answer = client.post("/bag/pay", data=form | {"method": BANK, "email": "ada@example.com",
                                                  "expected_total": "7876"}).json
    assert answer["next"] == "collect", answer
    intent = stripe_client.payment_intents.retrieve(answer["client_secret"].split("_secret_")[0])
    assert intent.amount == 7876
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        assert order.total == 7876 and order.lines[-1] == {"label": "Bank discount (2%)", "amount": -124}
        # Each line what was paid for it, adding up to the order: the sales per product add up.
        assert [line.amount for line in order.items] == [3600 - 72, 2600 - 52, 1000]
        assert sum(line.amount for line in order.items) + order.shipping_amount == order.total
        assert order.items[0].lines[-1] == {"label": "Bank discount (2%)", "amount": -72}


def test_turning_from_the_bank_to_a_card_pays_the_same_order_at_the_card_price(
        app, client, stripe_client):
    """The customer starts with the bank, then pays by card on the same page: one order, whose
    price loses the bank discount, and the card is charged what the page showed for it."""
    by_bank = open_checkout(client, POSTER, method=BANK)
    assert pay(client, POSTER, by_bank, "", method=BANK).json["next"] == "collect"
    by_card = {**by_bank, "expected_total": "2400"}  # the price partial's total for a card
    answer = pay(client, POSTER, by_card, card(stripe_client), method="card").json
    assert answer["next"] == "receipt", answer
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        assert (order.status, order.total, order.items[0].amount) == ("paid", 2400, 1800)
        assert all(line["label"] != "Bank discount (2%)" for line in order.lines)
        intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
    assert (intent.amount, intent.status) == (2400, "succeeded")
