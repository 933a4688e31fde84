"""How sales are going: revenue per day and per product, and how many orders get paid."""
from flask import Blueprint, render_template

from storefront.admin import charts
from storefront.admin.reports import sales_report

bp = Blueprint("sales", __name__)
DAYS = 30


@bp.get("/sales")
def index():
    report = sales_report(DAYS)
    revenue_charts = {currency: charts.bar_chart(list(zip(report.days, amounts)))
                      for currency, amounts in report.revenue.items()}
    conversion_chart = charts.bar_chart(
        [(day.day, day.conversion) for day in report.checkouts], top=100)
    return render_template("admin/sales.html", report=report, revenue_charts=revenue_charts,
                           conversion_chart=conversion_chart)
