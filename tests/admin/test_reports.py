"""storefront/admin/reports.py: revenue per day and per product, orders paid, last 30 days."""
from datetime import date, datetime, timedelta

import pytest

from storefront.admin.reports import sales_report
from tests.admin.helpers import add_order

TODAY = date(2026, 11, 26)


def at(days_ago, hour=12):
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time()) + timedelta(hours=hour)


@pytest.fixture
def report(app):
    with app.app_context():
        paid = {"status": "paid", "commit": False}
        add_order(created_at=at(0), paid_at=at(0), total=1800, **paid)
        add_order(created_at=at(0), paid_at=at(0), total=2000, **paid)
        add_order(created_at=at(0))  # never paid
        add_order(status="partially_refunded", created_at=at(2), paid_at=at(1), total=1800,
                  amount_refunded=500, commit=False)
        add_order("ceramic-mug", created_at=at(1), paid_at=at(1), total=2800, **paid)  # JPY
        add_order("organic-tee", status="refunded", created_at=at(5), paid_at=at(5), total=2500,
                  amount_refunded=2500, commit=False)
        add_order(status="failed", created_at=at(5), commit=False)
        add_order(created_at=at(30), paid_at=at(30), total=9900, **paid)  # before the period
        add_order(created_at=at(0, hour=23), paid_at=at(-1, hour=1), total=700, **paid)  # paid after it
        yield sales_report(30, today=TODAY)


def test_the_period_is_thirty_days_up_to_today(report):
    assert len(report.days) == 30
    assert (report.days[0], report.days[-1]) == (TODAY - timedelta(days=29), TODAY)


def test_revenue_per_day_is_paid_less_refunded_on_the_day_of_payment(report):
    usd = dict(zip(report.days, report.revenue["USD"]))
    assert usd[TODAY] == 3800
    assert usd[TODAY - timedelta(days=1)] == 1300  # refunded 5.00 of 18.00
    assert usd[TODAY - timedelta(days=5)] == 0  # all refunded
    assert sum(usd.values()) == 5100
    assert len(report.revenue["USD"]) == 30
    jpy = dict(zip(report.days, report.revenue["JPY"]))
    assert jpy[TODAY - timedelta(days=1)] == 2800 and sum(jpy.values()) == 2800


def test_per_product_most_revenue_first(report):
    rows = [(p.name, p.currency, p.orders, p.paid, p.refunded, p.revenue) for p in report.products]
    assert rows == [
        ("City Lights poster", "USD", 3, 5600, 500, 5100),
        ("Hand-thrown ceramic mug", "JPY", 1, 2800, 0, 2800),
        ("Organic cotton T-shirt", "USD", 1, 2500, 2500, 0),
    ]


def test_orders_made_and_paid_per_day(report):
    days = {day.day: (day.orders, day.paid, day.conversion) for day in report.checkouts}
    assert days[TODAY] == (4, 3, 75)
    assert days[TODAY - timedelta(days=5)] == (2, 1, 50)
    assert days[TODAY - timedelta(days=3)] == (0, 0, None)
    assert (report.orders, report.paid, report.conversion) == (8, 6, 75)


def test_an_empty_shop(app):
    with app.app_context():
        report = sales_report(30, today=TODAY)
    assert report.revenue == {} and report.products == []
    assert (report.orders, report.conversion) == (0, None)
