"""How sales are going: revenue per day and per product, how many orders get paid, and what
Stripe took in fees."""
from datetime import datetime, time, timedelta

import stripe
from flask import Blueprint, current_app, render_template

from storefront.admin import charts
from storefront.admin.reports import sales_report, stripe_fees

bp = Blueprint("sales", __name__)
DAYS = 30


@bp.get("/sales")
def index():
    report = sales_report(DAYS)
    revenue_charts = {currency: charts.bar_chart(list(zip(report.days, amounts)))
                      for currency, amounts in report.revenue.items()}
    conversion_chart = charts.bar_chart(
        [(day.day, day.conversion) for day in report.checkouts], top=100)
    start = datetime.combine(report.days[0], time())
    try:
        fees = stripe_fees(start, datetime.combine(report.days[-1], time()) + timedelta(days=1))
    except stripe.StripeError:
        # The shop's own figures still stand; the fees wait for Stripe.
        current_app.logger.exception("Stripe's balance transactions could not be read")
        fees = None
    return render_template("admin/sales.html", report=report, revenue_charts=revenue_charts,
                           conversion_chart=conversion_chart, fees=fees)
