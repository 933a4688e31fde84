"""storefront/admin/sales.py: the sales page, its SVG charts drawn on the server."""
import re
from datetime import timedelta

from storefront.models import utcnow
from tests.admin.helpers import add_order


def test_the_sales_page(app, admin_client):
    now = utcnow()
    with app.app_context():
        add_order(status="paid", created_at=now, paid_at=now, total=1800)
        add_order(status="failed", created_at=now)
        add_order("ceramic-mug", status="paid", created_at=now - timedelta(days=2),
                  paid_at=now - timedelta(days=2), total=2800)
    html = admin_client.get("/admin/sales").get_data(as_text=True)
    assert html.count("<svg") == 3  # revenue in USD, in JPY, and orders paid
    assert 'aria-labelledby="revenue-usd-title"' in html and "Revenue per day in JPY" in html
    assert re.search(r'<rect class="chart__bar"[^>]*data-value="1800"', html)
    assert "¥2,800" in html and "$18.00" in html
    assert "3 orders, 2 paid: 67%." in html
    assert "<script" not in html.split("<main", 1)[1]  # drawn on the server, no chart library
    assert "style=" not in html  # the CSP allows no inline styles


def test_without_sales(admin_client):
    html = admin_client.get("/admin/sales").get_data(as_text=True)
    assert "No payments in this period." in html
    assert "0 orders, 0 paid." in html


def paid_by(method, total, **fields):
    from storefront.models import PaymentAttempt
    from storefront.web.extensions import db

    now = utcnow()
    order = add_order(status="paid", created_at=now, paid_at=now, total=total,
                      payment_intent_id=f"pi_{method}_{total}", **fields)
    db.session.add(PaymentAttempt(order=order, number=1, method=method, payment_method="",
                                  idempotency_key=f"key-{method}-{total}", outcome="succeeded",
                                  payment_intent_id=order.payment_intent_id))
    db.session.commit()


def test_sales_split_revenue_fees_and_net_by_way_of_paying(app, admin_client):
    with app.app_context():
        paid_by("card", 100_000)  # $1,000 by card: 2.9% + 30¢ = $29.30
        paid_by("us_bank_account", 100_000)  # by bank: 0.8%, capped at $5.00
        paid_by("us_bank_account", 2_500, amount_refunded=500)  # $25 by bank: 20¢
    html = admin_client.get("/admin/sales").get_data(as_text=True)
    table = html.split("data-methods", 1)[1].split("</table>", 1)[0]
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in table.split("<tr>")[2:]]
    assert rows == ["US bank account (USD) 2 $1,020.00 $5.20 $1,014.80",
                    "Card (USD) 1 $1,000.00 $29.30 $970.70"]


def test_the_sales_page_stands_when_stripe_cannot_say_its_fees(admin_client, faults):
    # Every try the client makes (it retries a 500) fails.
    faults("500", path="/v1/balance_transactions", method="GET", count=5)
    response = admin_client.get("/admin/sales")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Revenue per day" in html
    assert "Stripe could not be reached, so its fees are not shown" in html
