"""storefront/admin/refunds.py: refunding from the order page, with htmx or a plain form, the
webhook that settles it, and double clicks from many places at once."""
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from storefront.models import Order, Refund
from storefront.web.extensions import db
from tests.admin.helpers import EMAIL, PASSWORD, csrf_token, refund_form, refund_made
from tests.helpers import Browser, card
from tests.clock import advance
from tests.waiting import wait_for

SLUG = "city-lights-poster"  # $18.00, and $6.00 to ship it to the US: $24.00


@pytest.fixture
def paid_order(app, shop, stripe_client):
    """An order paid in the live shop, whose webhooks reach the app: its id."""
    assert Browser(shop.url, SLUG).pay(card(stripe_client)).json()["next"] == "receipt"
    with app.app_context():
        return db.session.scalar(db.select(Order.id))


def order_now(app, order_id):
    with app.app_context():
        order = db.session.get(Order, order_id)
        db.session.expunge(order)
        return order


def wait_for_status(app, order_id, status, timeout=10):
    return wait_for(lambda: (order := order_now(app, order_id)).status == status and order,
                    f"the order becoming {status}", seconds=timeout)


def stripe_refunded(stripe_client, app, order_id):
    intent = order_now(app, order_id).payment_intent_id
    return sum(r.amount for r in stripe_client.refunds.list({"payment_intent": intent}).data)


def test_a_partial_refund_then_the_rest(app, admin_client, paid_order, stripe_client):
    url = f"/admin/orders/{paid_order}/refunds"
    response = admin_client.post(url, data={**refund_form(admin_client, paid_order), "amount": "5.00",
                                            "reason": "requested_by_customer"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert refund_made(html) == "$5.00"
    # Until Stripe's charge.refunded arrives the order is paid, with a refund pending.
    assert "data-refund-pending" in html or order_now(app, paid_order).status == "partially_refunded"
    order = wait_for_status(app, paid_order, "partially_refunded")
    assert order.amount_refunded == 500

    page = admin_client.get(f"/admin/orders/{paid_order}").get_data(as_text=True)
    assert "data-refund-pending" not in page
    assert re.search(r"data-refundable>\$19.00<", page)
    response = admin_client.post(url, data={**refund_form(admin_client, paid_order), "full": "y"})
    assert refund_made(response.get_data(as_text=True)) == "$19.00"
    order = wait_for_status(app, paid_order, "refunded")
    assert order.amount_refunded == 2400 == stripe_refunded(stripe_client, app, paid_order)
    page = admin_client.get(f"/admin/orders/{paid_order}").get_data(as_text=True)
    assert "Everything paid is refunded" in page and 'class="refund-form"' not in page
    with app.app_context():
        assert [(r.amount, r.reason, r.admin.email) for r in db.session.scalars(db.select(Refund))] == [
            (500, "requested_by_customer", EMAIL), (1900, None, EMAIL)]


def test_htmx_gets_the_order_part_and_the_pending_status_polls(app, admin_client, paid_order, local_stripe):
    requests.post(f"{local_stripe.url}/_emulator/events/hold")  # keep charge.refunded back
    try:
        form = refund_form(admin_client, paid_order)
        response = admin_client.post(f"/admin/orders/{paid_order}/refunds", data={**form, "amount": "3"},
                                     headers={"HX-Request": "true", "HX-Target": "order"})
        html = response.get_data(as_text=True)
        assert html.lstrip().startswith("<article id=\"order\"")
        assert "data-refund-pending" in html and 'hx-trigger="load delay:1s"' in html
        status = admin_client.get(f"/admin/orders/{paid_order}",
                                  headers={"HX-Request": "true", "HX-Target": "order-status"})
        assert status.get_data(as_text=True).lstrip().startswith('<section id="order-status"')
        assert "Made; waiting for Stripe" in status.get_data(as_text=True)
    finally:
        requests.post(f"{local_stripe.url}/_emulator/events/release", json={})
    wait_for_status(app, paid_order, "partially_refunded")
    status = admin_client.get(f"/admin/orders/{paid_order}",
                              headers={"HX-Request": "true", "HX-Target": "order-status"}).get_data(as_text=True)
    assert "data-refund-pending" not in status and "hx-trigger" not in status  # polling stops


def test_the_refunds_message_follows_the_order_it_sits_above(app, admin_client, paid_order, local_stripe):
    """"Stripe is refunding" only while the order does not show the refund yet; once Stripe's
    notice has reached it, the polled status part says it is refunded, beside the order shown so."""
    requests.post(f"{local_stripe.url}/_emulator/events/hold")  # keep charge.refunded back
    try:
        form = refund_form(admin_client, paid_order)
        html = admin_client.post(f"/admin/orders/{paid_order}/refunds", data={**form, "amount": "3"},
                                 headers={"HX-Request": "true", "HX-Target": "order"}).get_data(as_text=True)
        status = html[html.index('<section id="order-status"'):html.index("</section>")]
        assert 'data-refund-made="pending">Stripe is refunding $3.00.' in status
        assert "data-refund-pending" in status and "badge--paid" in status
        poll = re.search(r'hx-get="([^"]+)"', status).group(1).replace("&amp;", "&")
        assert re.fullmatch(rf"/admin/orders/{paid_order}\?refund=\d+", poll)
    finally:
        requests.post(f"{local_stripe.url}/_emulator/events/release", json={})
    wait_for_status(app, paid_order, "partially_refunded")
    status = admin_client.get(poll, headers={"HX-Request": "true", "HX-Target": "order-status"}).get_data(as_text=True)
    assert "Stripe is refunding" not in status and "hx-trigger" not in status
    assert re.search(r'data-refund-made="refunded">Refunded \$3.00: Stripe\s+confirmed it.', status)
    assert "badge--partially_refunded" in status and re.search(r"data-refunded>\$3.00<", status)
    # Without the refund's id (the order's own page) there is no message to follow.
    assert "data-refund-made" not in admin_client.get(f"/admin/orders/{paid_order}").get_data(as_text=True)


@pytest.mark.parametrize("amount, message", [
    ("24.01", "more than is left to refund"),
    ("0", "Enter an amount to refund."),
    ("abc", "Enter an amount like 12.50"),
    ("1.234", "Use at most 2 decimals"),
])
def test_wrong_amounts_are_refused_with_a_reason(admin_client, paid_order, stripe_client, app, amount, message):
    response = admin_client.post(f"/admin/orders/{paid_order}/refunds",
                                 data={**refund_form(admin_client, paid_order), "amount": amount})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{amount}"' in html  # the form keeps what was typed
    assert stripe_refunded(stripe_client, app, paid_order) == 0


def test_a_refused_form_for_htmx_is_a_200_with_the_reason(admin_client, paid_order):
    response = admin_client.post(f"/admin/orders/{paid_order}/refunds",
                                 data={**refund_form(admin_client, paid_order), "amount": "99"},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "data-refund-refused" in response.get_data(as_text=True)


def test_a_dashboard_refund_meanwhile_gets_stripes_refusal_explained(
        admin_client, paid_order, stripe_client, app, local_stripe):
    form = refund_form(admin_client, paid_order)
    pi = order_now(app, paid_order).payment_intent_id
    # The dashboard's refund is not yet reported by webhook: only Stripe knows of it.
    requests.post(f"{local_stripe.url}/_emulator/events/hold")
    try:
        stripe_client.refunds.create({"payment_intent": pi, "amount": 1500})
        response = admin_client.post(f"/admin/orders/{paid_order}/refunds", data={**form, "amount": "10.00"})
    finally:
        requests.post(f"{local_stripe.url}/_emulator/events/release", json={"order": "fifo"})
    html = response.get_data(as_text=True)
    assert "Stripe refused the refund: Refund amount ($10.00) is greater than unrefunded amount" in html
    # That form is spent: the page offers a fresh one.
    assert form["request_id"] not in html


def test_the_same_form_twice_refunds_once(admin_client, paid_order, stripe_client, app):
    form = {**refund_form(admin_client, paid_order), "amount": "4.00"}
    for _ in range(3):
        assert refund_made(admin_client.post(
            f"/admin/orders/{paid_order}/refunds", data=form).get_data(as_text=True)) == "$4.00"
    assert stripe_refunded(stripe_client, app, paid_order) == 400


def test_an_unpaid_order_has_no_refund_form(app, admin_client):
    from tests.admin.helpers import add_order

    with app.app_context():
        order_id = add_order(status="failed").id
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert "Only a paid order can be refunded." in page


def logged_in_session(shop):
    session = requests.Session()
    token = csrf_token(session.get(f"{shop.url}/admin/login").text)
    response = session.post(f"{shop.url}/admin/login", allow_redirects=False,
                            data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    return session


def test_concurrent_double_clicks_never_refund_more_than_was_paid(app, shop, admin, paid_order, stripe_client):
    """Eight browsers at once: one form sent four times, and four other forms, each for $6 of
    the $18 paid. At most three $6 refunds fit; the repeated form counts once."""
    sessions = [logged_in_session(shop) for _ in range(8)]
    forms = [refund_form(session_client(s, shop), paid_order) for s in sessions[:5]]
    posts = [(sessions[n], forms[0]) for n in range(4)] + [(sessions[4 + n], forms[1 + n]) for n in range(4)]
    posts = [(session, {**form, "amount": "8.00",
                        "csrf_token": csrf_token(session.get(f"{shop.url}/admin/orders").text)})
             for session, form in posts]

    def post(args):
        session, form = args
        return session.post(f"{shop.url}/admin/orders/{paid_order}/refunds", data=form)

    with ThreadPoolExecutor(8) as pool:
        answers = [r.text for r in pool.map(post, posts)]
    made = [refund_made(a) == "$8.00" for a in answers]
    refused = ["Nothing is left to refund" in a or "more than is left" in a for a in answers]
    assert all(m != r for m, r in zip(made, refused))  # each answer says one or the other
    assert len(set(made[:4])) == 1  # the repeated form: the same answer each time
    assert sum(made[4:]) + made[0] == 3
    assert stripe_refunded(stripe_client, app, paid_order) == 2400
    with app.app_context():
        accepted = db.session.scalars(db.select(Refund).filter_by(status="accepted")).all()
        assert len(accepted) == 3 == len({r.request_id for r in accepted})
    assert wait_for_status(app, paid_order, "refunded").amount_refunded == 2400


class session_client:
    """A requests.Session with the test client's get() for refund_form()."""

    def __init__(self, session, shop):
        self.session, self.shop = session, shop

    def get(self, path):
        response = self.session.get(f"{self.shop.url}{path}")
        response.get_data = lambda as_text=True: response.text
        return response


@pytest.fixture
def bank_paid_order(app, shop, stripe_client, local_stripe):
    """An order paid from a bank account (typed in, verified by microdeposits, settled days
    later), doing over the API what Stripe.js does in the customer's browser: its id."""
    from tests.emulator.bank import BILLING, MANDATE_DATA, ROUTING, SUCCEEDS

    browser = Browser(shop.url, SLUG, method="us_bank_account")
    answer = browser.session.post(f"{shop.url}/p/{SLUG}/pay", headers={"Accept": "application/json"},
                                  data={**browser.page, "method": "us_bank_account",
                                        "email": "ada@example.com"}).json()
    assert answer["next"] == "collect"
    intent_id = answer["client_secret"].split("_secret_")[0]
    stripe_client.payment_intents.confirm(intent_id, {
        "payment_method_data": {"type": "us_bank_account", "billing_details": BILLING,
                                "us_bank_account": {"routing_number": ROUTING, "account_number": SUCCEEDS,
                                                    "account_holder_type": "individual"}},
        "mandate_data": MANDATE_DATA})
    stripe_client.payment_intents.verify_microdeposits(intent_id, {"amounts": [32, 45]})
    confirmed = browser.session.post(f"{shop.url}{answer['confirm_url']}", headers={"Accept": "application/json"},
                                     data={"csrf_token": browser.page["csrf_token"]})
    assert confirmed.json()["next"] == "receipt"
    with app.app_context():
        order_id = db.session.scalar(db.select(Order.id))
    advance(local_stripe, 6)
    wait_for_status(app, order_id, "paid")
    return order_id


def test_a_bank_refund_is_pending_for_days_then_succeeds(app, admin_client, bank_paid_order,
                                                         local_stripe, stripe_client):
    # The order page names the way of paying, and Stripe's fee and the net from its balance
    # transaction: 0.8% of $23.64 ($18.00 less the 2% bank discount, and $6.00 to ship it).
    page = admin_client.get(f"/admin/orders/{bank_paid_order}").get_data(as_text=True)
    assert re.search(r"data-method>US bank account<", page)
    payment = admin_client.get(f"/admin/orders/{bank_paid_order}/payment").get_data(as_text=True)
    assert re.search(r"data-fee>\$0.19<", payment) and re.search(r"data-net>\$23.45<", payment)
    assert "STRIPE TEST BANK ending 6789" in payment
    url = f"/admin/orders/{bank_paid_order}/refunds"
    admin_client.post(url, data={**refund_form(admin_client, bank_paid_order), "full": "y"})
    wait_for_status(app, bank_paid_order, "refunded")
    [refund] = stripe_client.refunds.list({"payment_intent": order_now(app, bank_paid_order).payment_intent_id}).data
    assert refund.status == "pending"
    page = admin_client.get(f"/admin/orders/{bank_paid_order}").get_data(as_text=True)
    assert "On its way back to the customer's bank" in page

    advance(local_stripe, 6)
    page = wait_for(lambda: "On its way back" not in (
        page := admin_client.get(f"/admin/orders/{bank_paid_order}").get_data(as_text=True)) and page,
        "the refund's landing reaching the order", seconds=10)
    assert re.search(r"<td data-label=\"State\">\s*Refunded\s*</td>", page)
    assert stripe_client.refunds.retrieve(refund.id).status == "succeeded"


# Stripe's testing docs: this card's refunds "begin as succeeded" and fail "some time later".
REFUND_FAILS_LATER = "4000000000005126"


@pytest.mark.local_stripe_only  # moves the local Stripe's clock
def test_a_refund_that_fails_later_shows_stripes_reason_and_is_refundable_again(
        app, shop, admin_client, stripe_client, local_stripe):
    assert Browser(shop.url, SLUG).pay(card(stripe_client, REFUND_FAILS_LATER)).json()[
        "next"] == "receipt"
    with app.app_context():
        order_id = db.session.scalar(db.select(Order.id))
    url = f"/admin/orders/{order_id}/refunds"
    response = admin_client.post(url, data={**refund_form(admin_client, order_id), "full": "1"})
    assert refund_made(response.get_data(as_text=True)) == "$24.00"
    wait_for_status(app, order_id, "refunded")

    # Some time later the card's bank sends the money back: Stripe says refund.failed.
    advance(local_stripe, seconds=3600)
    order = wait_for_status(app, order_id, "paid")
    assert order.amount_refunded == 0
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert "data-refund-failed" in page
    assert "the card is expired or canceled (expired_or_canceled_card)" in page
    assert re.search(r"data-refundable>\$24.00<", page)
    assert "data-refund-pending" not in page

    # The amount can be refunded again (another way in real life; here, the same card).
    response = admin_client.post(url, data={**refund_form(admin_client, order_id),
                                            "amount": "24.00"})
    assert refund_made(response.get_data(as_text=True)) == "$24.00"
    wait_for_status(app, order_id, "refunded")
    with app.app_context():
        statuses = sorted(r.status for r in db.session.scalars(db.select(Refund)))
    assert statuses == ["accepted", "failed"]
