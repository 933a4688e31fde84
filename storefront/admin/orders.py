"""Finding orders and seeing what happened to each: the list (filters, search, pages), the same
list as CSV, and one order with its payment as Stripe has it."""
import logging

import stripe
from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from jinja2_fragments.flask import render_block

from storefront.admin import export, search
from storefront.admin.order_page import render_order
from storefront.models import Order, utcnow
from storefront.orders import delivery
from storefront.payments import gateway, webhooks
from storefront.web.extensions import db, htmx
from storefront.web.routing import int_arg

bp = Blueprint("orders", __name__)
log = logging.getLogger(__name__)


@bp.get("/orders")
def index():
    """The list: the whole page, or only the results when htmx re-filters or turns a page."""
    filters = search.OrderFilters(request.args)
    page = None
    if filters.validate():
        page = search.page(filters, after=int_arg("after"), before=int_arg("before"))
    context = {"filters": filters, "page": page, "delivery": delivery}
    if htmx and not htmx.history_restore_request:
        return render_block("admin/orders.html", "results", **context)
    return render_template("admin/orders.html", ignored_events=webhooks.ignored_events(),
                           api_version=gateway.api_version(), **context)


@bp.get("/orders.csv")
def download():
    filters = search.OrderFilters(request.args)
    if not filters.validate():
        abort(400)
    name = f"orders-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(stream_with_context(export.csv_lines(filters)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/orders/<int:order_id>")
def detail(order_id):
    order = db.get_or_404(Order, order_id)
    # The refund just made, whose message the status part keeps up to date.
    refund_id = int_arg("refund")
    refunded = next((refund for refund in order.refunds if refund.id == refund_id), None)
    if htmx.target == "order-status":  # a pending refund polls until Stripe's notice lands
        return render_order(order, block="status", refunded=refunded)
    return render_order(order, refunded=refunded)


@bp.get("/orders/<int:order_id>/payment")
def payment(order_id):
    """The order's payment as Stripe has it now: loaded after the page, which never waits for it."""
    order = db.get_or_404(Order, order_id)
    intent, unreachable = None, False
    if order.payment_intent_id:
        intent_id = order.payment_intent_id
        db.session.commit()  # no transaction open while Stripe answers
        try:
            intent = gateway.payment(intent_id)
        except stripe.StripeError as error:
            log.warning("Payment of order %s not read from Stripe: %s", order.id, error)
            unreachable = True
    return render_order(order, block="payment" if htmx else None, intent=intent,
                        stripe_unreachable=unreachable)
