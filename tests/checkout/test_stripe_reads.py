"""Order pages anyone may load ask Stripe about an order at most once per interval
(storefront/orders/stripe_reads.py): a receipt waiting for microdeposits, and the return from
Stripe's Checkout page of an order not paid. However often they are loaded, they still show
the link Stripe gave; once the interval has passed, one more read."""
import pytest

from storefront.models import Order
from storefront.web.extensions import db
from tests.checkout.test_stripe_checkout import EMAIL, continue_to_payment, let_the_interval_pass
from tests.emulator.bank import MANDATE_DATA, SUCCEEDS, typed_in
from tests.helpers import open_checkout, pay

SLUG = "city-lights-poster"  # USD


def test_a_receipt_waiting_for_microdeposits_asks_stripe_once_per_interval(
        app, client, stripe_client, stripe_requests):
    page = open_checkout(client, SLUG, method="us_bank_account")
    answer = pay(client, SLUG, page, "", method="us_bank_account").json
    intent_id = answer["client_secret"].split("_secret_")[0]
    stripe_client.payment_intents.confirm(intent_id, {"payment_method_data": typed_in(SUCCEEDS),
                                                      "mandate_data": MANDATE_DATA})
    assert client.post(answer["confirm_url"], data={"csrf_token": page["csrf_token"]}).json["next"] == "verify"
    reads = lambda: stripe_requests(method="GET", path=f"/v1/payment_intents/{intent_id}")  # noqa: E731
    before = len(reads())

    pages = [client.get(f"/orders/{answer['order']}").get_data(as_text=True) for _ in range(100)]
    assert len(reads()) - before == 1
    assert all("Enter their amounts on Stripe&#39;s page" in p or "Enter their amounts on Stripe's page" in p
               for p in pages)

    let_the_interval_pass(app)
    client.get(f"/orders/{answer['order']}")
    assert len(reads()) - before == 2


@pytest.mark.usefixtures("fresh_local_stripe")
def test_the_return_page_of_an_unpaid_checkout_asks_stripe_once_per_interval(
        make_app, stripe_requests):
    app = make_app(CHECKOUT_MODE="hosted")
    client = app.test_client()
    continue_to_payment(client, open_checkout(client, SLUG), EMAIL)
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        back = f"/orders/{order.public_id}/checkout/return?session_id={order.checkout_session_id}"
        session_path = f"/v1/checkout/sessions/{order.checkout_session_id}"

    pages = [client.get(back) for _ in range(100)]
    assert len(stripe_requests(method="GET", path=session_path)) == 1
    assert all(p.status_code == 200 and "Return to the payment page" in p.text for p in pages)

    let_the_interval_pass(app)
    assert "Return to the payment page" in client.get(back).text
    assert len(stripe_requests(method="GET", path=session_path)) == 2
