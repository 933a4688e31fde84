"""A bag holding a product sold only through Stripe's Checkout page (docs/checkout-modes.md):
the whole bag is paid there, never with the shop's card fields; a bag of card-field products
keeps them."""
import pytest

from storefront.models import Order, Product
from storefront.web.extensions import db
from tests.checkout.test_bag import TOO_LARGE, add, bag_page
from tests.checkout.test_stripe_checkout import pay_on_stripes_page
from tests.helpers import bag_form, card

pytestmark = pytest.mark.usefixtures("fresh_local_stripe")


@pytest.fixture
def app(make_app):
    """The shop pays on its own page; the T-shirt is sold only through Stripe's hosted page."""
    app = make_app(CHECKOUT_MODE="elements")
    with app.app_context():
        db.session.scalar(db.select(Product).filter_by(slug="organic-tee")).checkout_mode = "hosted"
        db.session.commit()
    return app


def test_a_bag_with_a_product_sold_on_stripes_page_is_paid_there_whole(
        app, client, stripe_client, local_stripe, stripe_requests, orders):
    assert add(client, "city-lights-poster", quantity="2").status_code == 303
    assert add(client, "organic-tee").status_code == 303
    html = bag_page(client)
    assert "Continue to payment" in html and "data-pay-button" not in html
    assert 'src="/static/js/pay.js' not in html  # no card fields to mount
    form = bag_form(html, client) | {"email": "ada@example.com"}

    # The shop's card fields, posted all the same (an old page, a script): refused, nothing made.
    refused = client.post("/bag/pay", data=form | {"payment_method": card(stripe_client)})
    assert refused.status_code == 400 and "press Continue to payment" in refused.json["message"]
    assert orders() == [] and stripe_requests(method="POST", path="/v1/payment_intents") == []

    opened = client.post("/bag/continue", data=form)
    assert opened.status_code == 303
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        assert [line.product.slug for line in order.items] == ["city-lights-poster", "organic-tee"]
    # One parcel of three items to the US, $8.00: Stripe's page charges it as its shipping.
    assert (order.checkout_mode, order.total) == ("hosted", 2 * 1800 + 2600 + 800)
    session = stripe_client.checkout.sessions.retrieve(order.checkout_session_id)
    assert opened.headers["Location"] == session.url and session.amount_total == 7000
    assert session.shipping_cost.amount_total == 800
    items = stripe_client.checkout.sessions.line_items.list(order.checkout_session_id).data
    assert sorted(item.amount_total for item in items) == [2600, 3600]

    pay_on_stripes_page(local_stripe, order.checkout_session_id, card(stripe_client))
    back = client.get(f"/orders/{order.public_id}/checkout/return?session_id={order.checkout_session_id}")
    assert back.status_code == 303 and back.headers["Location"] == f"/orders/{order.public_id}"
    assert "Organic cotton T-shirt" in client.get(back.headers["Location"]).text
    [order] = orders()
    assert order.status == "paid"
    assert "Your bag is empty" in bag_page(client)


def test_stripes_back_link_returns_to_the_bag(app, client, orders):
    add(client, "city-lights-poster")
    add(client, "organic-tee")
    client.post("/bag/continue", data=bag_form(bag_page(client), client) | {"email": "ada@example.com"})
    [order] = orders()
    back = client.get(f"/orders/{order.public_id}/checkout/cancelled")
    assert back.status_code == 303 and back.headers["Location"] == "/bag"
    html = bag_page(client)
    assert "City Lights poster" in html and "Organic cotton T-shirt" in html


def test_a_bag_over_stripes_largest_amount_opens_no_page(app, client, stripe_requests, orders):
    add(client, "organic-tee")
    for _ in range(2):
        add(client, "letterpress-workshop", tip="custom", tip_custom="999000.00")
    response = client.post("/bag/continue", data=bag_form(bag_page(client), client) | {"email": "ada@example.com"})
    assert response.status_code == 400 and TOO_LARGE in response.text
    assert orders() == [] and stripe_requests(method="POST", path="/v1/checkout/sessions") == []


def test_a_bag_of_card_field_products_keeps_the_card_fields(app, client):
    add(client, "city-lights-poster")
    html = bag_page(client)
    assert "data-pay-button" in html and "Continue to payment" not in html
    assert "data-no-script-pay" in html and 'formaction="/bag/continue"' in html
    # Without JavaScript its <noscript> button pays the bag on Stripe's hosted page.
    response = client.post("/bag/continue", data=bag_form(html, client) | {"email": "ada@example.com"})
    assert response.status_code == 303 and "/c/pay/cs_" in response.location
