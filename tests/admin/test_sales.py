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
