"""storefront/admin/orders.py: the order list (page, htmx partial, plain GET form), its CSV,
and one order's page with its payment as Stripe has it."""
import csv
import io
import re
from datetime import datetime, timedelta

import pytest

from storefront.models import Order, OrderTransition, PaymentAttempt, StripeEvent
from storefront.web.extensions import db
from tests.admin.helpers import add_order
from tests.helpers import card, open_checkout, pay

HX = {"HX-Request": "true", "HX-Target": "results"}


def listed(html):
    return [int(i) for i in re.findall(r'data-order-id="(\d+)"', html)]


@pytest.fixture
def some_orders(app):
    with app.app_context():
        base = datetime(2026, 10, 1, 9)
        rows = [add_order(status="paid", email=f"c{n}@example.com", created_at=base + timedelta(hours=n),
                          payment_intent_id=f"pi_{n}", commit=False) for n in range(60)]
        rows.append(add_order("organic-tee", status="failed", email="tee@example.com",
                              created_at=base + timedelta(days=5)))
        return [order.id for order in rows]


def test_the_list_shows_fifty_newest_first_then_an_older_page(admin_client, some_orders):
    page = admin_client.get("/admin/orders").get_data(as_text=True)
    newest = sorted(some_orders, reverse=True)
    assert listed(page) == newest[:50]
    older = re.search(r'href="(/admin/orders\?after=\d+)" rel="next"', page).group(1)
    rest = admin_client.get(older).get_data(as_text=True)
    assert listed(rest) == newest[50:]
    assert 'rel="prev"' in rest and 'rel="next"' not in rest


def test_htmx_gets_only_the_results(admin_client, some_orders):
    response = admin_client.get("/admin/orders?status=failed", headers=HX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html and 'class="filters"' not in html
    assert listed(html) == [some_orders[-1]]
    # Going back in history, htmx asks for the whole page again.
    restore = admin_client.get("/admin/orders?status=failed",
                               headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_the_plain_form_filters_and_keeps_its_values(admin_client, some_orders):
    html = admin_client.get("/admin/orders?q=TEE@example.com&status=&product=&since=&until=").get_data(as_text=True)
    assert listed(html) == [some_orders[-1]]
    assert 'value="TEE@example.com"' in html
    assert 'href="/admin/orders.csv?q=TEE@example.com"' in html  # the CSV link has the filters


def test_pager_links_keep_the_filters(admin_client, some_orders):
    html = admin_client.get("/admin/orders?status=paid&since=2026-10-01").get_data(as_text=True)
    older = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "status=paid" in older and "since=2026-10-01" in older and "after=" in older


def test_wrong_filters_say_what_is_wrong(admin_client, some_orders):
    html = admin_client.get("/admin/orders?since=2026-10-05&until=2026-10-01").get_data(as_text=True)
    assert "The end date is before the start date." in html
    assert listed(html) == []


def test_nothing_found(admin_client, some_orders):
    assert "No orders match." in admin_client.get("/admin/orders?q=pi_nothing").get_data(as_text=True)


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_is_streamed_with_the_lists_filters(admin_client, some_orders):
    response = admin_client.get("/admin/orders.csv?status=paid&since=2026-10-02", buffered=False)
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert re.fullmatch(r'attachment; filename="orders-\d{8}-\d{6}\.csv"',
                        response.headers["Content-Disposition"])
    rows = csv_rows(response)
    assert [int(r["order"]) for r in rows] == sorted(some_orders[:60], reverse=True)[:45]
    first = rows[-1]
    assert (first["status"], first["total"], first["refunded"], first["currency"]) == (
        "paid", "18.00", "0.00", "USD")
    assert first["products"] == "City Lights poster" and first["payment_intent"] == "pi_15"
    assert admin_client.get("/admin/orders.csv?until=nonsense").status_code == 400


def test_csv_cells_never_become_spreadsheet_formulas(app, admin_client):
    with app.app_context():
        add_order(email="=HYPERLINK(\"http://evil\")@example.com")
    [row] = csv_rows(admin_client.get("/admin/orders.csv"))
    assert row["email"].startswith("'=")


@pytest.fixture
def paid_order(app, client, stripe_client):
    """An order paid through the checkout: its id."""
    page = open_checkout(client, "city-lights-poster")
    assert pay(client, "city-lights-poster", page, card(stripe_client)).json["next"] == "receipt"
    with app.app_context():
        return db.session.scalar(db.select(Order.id))


def test_the_order_page_shows_what_was_bought_and_the_stripe_ids(app, admin_client, paid_order):
    html = admin_client.get(f"/admin/orders/{paid_order}").get_data(as_text=True)
    with app.app_context():
        order = db.session.get(Order, paid_order)
        for line in order.lines:
            assert line["label"] in html
        assert order.email in html and "$18.00" in html
        pi = order.payment_intent_id
    assert f'href="https://dashboard.stripe.com/test/payments/{pi}"' in html
    assert 'hx-get="/admin/orders/%d/payment"' % paid_order in html  # the charge comes from Stripe


def test_the_payment_as_stripe_has_it(admin_client, paid_order, stripe_client, app):
    with app.app_context():
        pi = db.session.get(Order, paid_order).payment_intent_id
    charge = stripe_client.payment_intents.retrieve(pi).latest_charge
    part = admin_client.get(f"/admin/orders/{paid_order}/payment", headers={"HX-Request": "true"})
    html = part.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="payment"')
    assert f'href="https://dashboard.stripe.com/test/payments/{charge}"' in html
    assert "Visa ending 4242" in html and "succeeded" in html
    # Without JavaScript the same URL is the whole order page, with the payment in it.
    page = admin_client.get(f"/admin/orders/{paid_order}/payment").get_data(as_text=True)
    assert "<html" in page and charge in page


def test_the_payment_when_stripe_is_down(app, admin_client, paid_order):
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"
    from storefront.payments import gateway
    gateway.init_app(app)
    html = admin_client.get(f"/admin/orders/{paid_order}/payment", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Stripe could not be reached" in html


def test_live_keys_link_to_the_live_dashboard(app, admin_client, paid_order):
    app.config["STRIPE_SECRET_KEY"] = "sk_live_example"
    html = admin_client.get(f"/admin/orders/{paid_order}").get_data(as_text=True)
    assert "https://dashboard.stripe.com/payments/pi_" in html
    assert "dashboard.stripe.com/test/" not in html


def test_the_history_has_every_transition_event_and_attempt(app, admin_client):
    with app.app_context():
        order = add_order(status="failed", payment_intent_id="pi_history")
        order.attempts.append(PaymentAttempt(number=1, payment_method="pm_declined",
                                             idempotency_key="k1", outcome="declined"))
        order.transitions.append(OrderTransition(from_status="pending", to_status="failed",
                                                 source="browser", note="Your card was declined."))
        order.move_to("paid", "webhook", note="late success")
        db.session.add(StripeEvent(id="evt_history", type="payment_intent.succeeded", order_id=order.id))
        db.session.commit()
        order_id = order.id
    html = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    kinds = re.findall(r'data-kind="(\w+)"', html)
    assert kinds[0] == "created"
    assert sorted(kinds) == ["attempt", "created", "event", "transition", "transition"]
    assert "by browser" in html and "by webhook" in html and "late success" in html
    assert "Card tried (attempt 1): declined" in html
    assert 'href="https://dashboard.stripe.com/test/events/evt_history"' in html


def test_an_unknown_order_is_not_found(admin_client):
    assert admin_client.get("/admin/orders/999").status_code == 404
