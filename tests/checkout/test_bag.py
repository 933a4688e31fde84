"""The bag: several products paid for in one payment, priced again by the server at pay time."""
import re

from storefront.models import Order, Product
from storefront.web.extensions import db
from tests.helpers import bag_form, card, hidden_fields


def add(client, slug, **selection):
    page = hidden_fields(client.get(f"/p/{slug}").get_data(as_text=True))
    return client.post(f"/p/{slug}/add", data={"csrf_token": page["csrf_token"], **selection})


def bag_page(client):
    response = client.get("/bag")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_products_added_to_the_bag_are_priced_and_paid_together(client, stripe_client, orders):
    assert add(client, "city-lights-poster", quantity="2").status_code == 303
    assert add(client, "organic-tee", **{"option-size": "l"}).status_code == 303
    html = bag_page(client)
    assert "2 × City Lights poster (A2) @ $18.00" in html
    assert "Organic cotton T-shirt (L" in html
    form = bag_form(html, client)
    assert form["line-0-quantity"] == "2" and form["line-1-option-size"] == "l"
    # One parcel of three items to the US: $5.00 + 3 × $1.00.
    assert form["expected_total"] == str(2 * 1800 + 2600 + 800)

    response = client.post("/bag/pay", data=form | {"email": "ada@example.com",
                                                     "payment_method": card(stripe_client)})
    assert response.json["next"] == "receipt", response.json
    [order] = orders()
    assert (order.status, order.total, order.shipping_amount) == ("paid", 7000, 800)
    receipt = client.get(response.json["url"]).get_data(as_text=True)
    assert "2 × City Lights poster (A2) @ $18.00" in receipt and "Organic cotton T-shirt" in receipt
    # Each product once: the breakdown's lines, not a list of items above them as well.
    # (The progress below says what is still to ship, each line once more.)
    summary = receipt.split("data-progress")[0]
    assert summary.count("City Lights poster") == 1 and summary.count("Organic cotton T-shirt") == 1
    assert "Your bag is empty" in bag_page(client)  # the paid bag is gone


def test_the_order_has_one_line_per_product(app, client, stripe_client):
    add(client, "city-lights-poster")
    add(client, "organic-tee")
    form = bag_form(bag_page(client), client)
    client.post("/bag/pay", data=form | {"email": "ada@example.com", "payment_method": card(stripe_client)})
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        assert [(line.product.slug, line.amount) for line in order.items] == [
            ("city-lights-poster", 1800), ("organic-tee", 2600)]
        # The lines are the goods; the one parcel is the order's.
        assert sum(line.amount for line in order.items) + order.shipping_amount == order.total


def test_a_changed_price_is_a_409_with_the_new_total(app, client, stripe_client, orders):
    add(client, "organic-tee")
    form = bag_form(bag_page(client), client)
    with app.app_context():
        product = db.session.scalars(db.select(Product).filter_by(slug="organic-tee")).one()
        product.rules_data = {**product.rules_data, "unit_price": 3000}
        db.session.commit()
    response = client.post("/bag/pay", data=form | {"email": "ada@example.com",
                                                     "payment_method": card(stripe_client)})
    assert response.status_code == 409
    assert "The price has changed to $36.00" in response.get_data(as_text=True)  # with $6 to ship
    assert orders() == []


def test_a_bag_is_in_one_currency(client):
    add(client, "organic-tee")
    response = add(client, "ceramic-mug")  # priced in yen
    assert response.status_code == 409
    assert "Your bag is in USD, and this product is priced in JPY" in response.get_data(as_text=True)
    html = bag_page(client)
    assert html.count("data-bag-line=") == 1


def test_without_javascript_a_line_is_changed_or_removed(client):
    add(client, "city-lights-poster")
    add(client, "organic-tee")
    form = bag_form(bag_page(client), client)
    html = client.post("/bag", data=form | {"line-0-quantity": "3"}).get_data(as_text=True)
    assert "3 × City Lights poster" in html
    html = client.post("/bag", data=bag_form(html) | {"remove": "0"}).get_data(as_text=True)
    assert "City Lights poster" not in html and html.count("data-bag-line=") == 1
    assert html.count("data-bag-line=") == bag_page(client).count("data-bag-line=")  # kept


def test_the_price_partial_is_a_get_of_the_lines(client):
    add(client, "organic-tee")
    response = client.get("/bag?line-0-product=organic-tee&line-0-quantity=3",
                          headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert 'id="price"' in html and "3 × Organic cotton T-shirt" in html
    assert "Set-Cookie" not in response.headers


def test_pay_sent_twice_is_one_order_and_one_charge(client, stripe_client, orders, stripe_requests):
    add(client, "city-lights-poster")
    add(client, "organic-tee")
    form = bag_form(bag_page(client), client) | {"email": "ada@example.com", "payment_method": card(stripe_client)}
    first, second = client.post("/bag/pay", data=form), client.post("/bag/pay", data=form)
    assert first.json == second.json and first.json["next"] == "receipt"
    assert len(orders()) == 1
    assert len(stripe_requests(method="POST", path="/v1/payment_intents")) == 1


def test_an_empty_bag_cannot_be_paid(client, stripe_client, orders):
    page = hidden_fields(client.get("/p/organic-tee").get_data(as_text=True))
    response = client.post("/bag/pay", data={**page, "email": "ada@example.com",
                                             "payment_method": card(stripe_client)})
    assert response.status_code == 400 and "Your bag is empty" in response.json["message"]
    assert orders() == []
    assert "Your bag is empty" in bag_page(client)


def test_a_failed_bag_order_is_paid_again_from_the_emailed_link(app, client, stripe_client, orders):
    """A bag's bank debit that failed: the emailed link fills the bag again, and paying it pays
    that same order."""
    from storefront.orders.links import pay_again_url

    add(client, "city-lights-poster", quantity="2")
    add(client, "organic-tee")
    form = bag_form(bag_page(client), client) | {"email": "ada@example.com"}
    declined = client.post("/bag/pay", data=form | {"payment_method": card(stripe_client, "4000000000000002")})
    assert declined.status_code == 402
    [order] = orders()
    with app.test_request_context():
        link = pay_again_url(order)
    other = app.test_client()  # the customer's mail, opened in another browser
    response = other.get(link)
    assert response.status_code == 302 and response.location.endswith("/bag")
    html = other.get("/bag").get_data(as_text=True)
    assert "2 × City Lights poster" in html and "Organic cotton T-shirt" in html
    again = bag_form(html, other) | {"email": "ada@example.com", "payment_method": card(stripe_client)}
    assert again["checkout_token"] == order.checkout_token
    assert other.post("/bag/pay", data=again).json["next"] == "receipt"
    [paid] = orders()
    assert (paid.id, paid.status) == (order.id, "paid")


TOO_LARGE = "This comes to more than $999,999.99, the most we can take in one payment"


def test_a_bag_over_stripes_largest_amount_is_refused_before_stripe_hears_of_it(
        client, stripe_client, stripe_requests, orders):
    """20 workshop tickets with a $999,000.00 tip each: every line is within Stripe's largest
    amount ($999,999.99), the bag's $19,980,900.00 is not, and the customer is told so beside
    the price and on Pay; no order, no Stripe call."""
    for _ in range(20):
        assert add(client, "letterpress-workshop", tip="custom", tip_custom="999000.00").status_code == 303
    html = bag_page(client)
    assert "$19,980,900.00" in html and TOO_LARGE in html
    form = bag_form(html)
    partial = client.get("/bag", query_string=form, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-quote-ok="false"' in partial and TOO_LARGE in partial

    response = client.post("/bag/pay", data=form | {"email": "ada@example.com",
                                                     "payment_method": card(stripe_client)})
    assert response.status_code == 400
    assert response.json["next"] == "fix" and response.json["errors"]["total"] == TOO_LARGE
    assert orders() == []
    assert stripe_requests(method="POST", path="/v1/payment_intents") == []


def pay_button(html):
    return " ".join(re.sub(r"<[^>]+>", "", re.search(r"<button[^>]*data-pay-button.*?</button>", html, re.S).group(0)).split())


def test_pay_names_the_bags_total_and_says_why_it_waits(client):
    add(client, "city-lights-poster", quantity="2")
    add(client, "organic-tee")
    html = bag_page(client)
    assert pay_button(html) == "Pay $62.00"
    assert 'aria-describedby="pay-reason"' in html
    assert "Enter your email and card details to pay." in html
    # A change re-prices: the partial carries the button's new amount, or none with the reason.
    form = bag_form(html)
    partial = client.get("/bag", query_string=form | {"line-0-quantity": "3"}, headers={"HX-Request": "true"})
    assert '<span id="pay-amount" hx-swap-oob="true"> $80.00</span>' in partial.get_data(as_text=True)
    partial = client.get("/bag", query_string=form | {"line-0-quantity": "60"}, headers={"HX-Request": "true"})
    assert '<span id="pay-amount" hx-swap-oob="true"></span>' in partial.get_data(as_text=True)
    client.post("/bag", data=form | {"line-0-quantity": "60"})  # kept as made, without JavaScript
    html = bag_page(client)
    assert pay_button(html) == "Pay"
    assert "Fix the highlighted choice above to see your total." in html
