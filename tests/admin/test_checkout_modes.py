"""The admin works the same for orders paid on Stripe's Checkout page: the order page says how
the order was paid and names its session, refunds go through, and the sales page counts it."""
import pytest
import requests

from storefront.models import Order
from storefront.web.extensions import db
from tests.admin.helpers import refund_form
from tests.admin.test_refunds import wait_for_status
from tests.helpers import STRIPE_PAGE_SHIPPING, US_ADDRESS, card, hidden_fields

pytestmark = pytest.mark.usefixtures("fresh_local_stripe")
SLUG = "city-lights-poster"  # $18.00, and $6.00 to ship it to the US: $24.00


@pytest.fixture(params=["hosted", "embedded"])
def app_config(request):
    return {"CHECKOUT_MODE": request.param}


@pytest.fixture
def paid_on_stripes_page(app, shop, local_stripe, stripe_client):
    """An order paid on Stripe's Checkout page of the live shop, fulfilled by its webhook."""
    browser = requests.Session()
    page = hidden_fields(browser.get(f"{shop.url}/p/{SLUG}?ship_country=US").text) | US_ADDRESS
    opened = browser.post(f"{shop.url}/p/{SLUG}/continue", data={**page, "email": "ada@example.com"},
                          allow_redirects=False)
    assert opened.status_code in (200, 303)
    with app.app_context():
        order = db.session.scalar(db.select(Order))
    secret = stripe_client.checkout.sessions.retrieve(order.checkout_session_id).client_secret
    requests.post(f"{local_stripe.url}/v1/payment_pages/{order.checkout_session_id}/confirm",
                  data={"payment_method": card(stripe_client), "client_secret": secret or "",
                        **STRIPE_PAGE_SHIPPING},
                  headers={"Authorization": "Bearer pk_test_testing"}).raise_for_status()
    return wait_for_status(app, order.id, "paid")


def test_order_page_refund_and_sales_for_a_checkout_order(app, admin_client, paid_on_stripes_page,
                                                          app_config):
    order = paid_on_stripes_page
    page = admin_client.get(f"/admin/orders/{order.id}").text
    mode = {"hosted": "Stripe's Checkout page", "embedded": "Stripe's Checkout, embedded"}
    assert f"data-checkout-mode>{mode[app_config['CHECKOUT_MODE']]}<" in page.replace("&#39;", "'")
    assert f"<code>{order.checkout_session_id}</code>" in page
    assert order.payment_intent_id in page

    response = admin_client.post(f"/admin/orders/{order.id}/refunds",
                                 data={**refund_form(admin_client, order.id), "amount": "24.00"})
    assert response.status_code == 200
    assert wait_for_status(app, order.id, "refunded").amount_refunded == 2400

    sales = admin_client.get("/admin/sales").text
    assert "1 orders, 1 paid: 100%." in sales  # a refunded sale was still a sale
