"""Refunding an order from its page, in full or in part (the rules are in storefront/refunds.py)."""
from flask import Blueprint, request
from flask_login import current_user

from .. import refunds
from ..extensions import db, htmx
from ..models import Order
from ..money import AmountError, parse_amount
from .order_page import RefundForm, render_order

bp = Blueprint("refunds", __name__)


@bp.post("/orders/<int:order_id>/refunds")
def create(order_id):
    order = db.get_or_404(Order, order_id)
    form = RefundForm(request.form)
    try:
        if not form.validate():
            raise refunds.RefundRefused(next(iter(form.errors.values()))[0])
        amount = None if form.full.data else parse_amount(form.amount.data or "", order.currency)
        admin = current_user._get_current_object()
        made = refunds.refund(order, form.request_id.data, amount, admin, form.reason.data or None)
    except (refunds.RefundRefused, AmountError) as error:
        # Sent again, a form whose refund Stripe refused would only be refused again.
        earlier = refunds.find(order, form.request_id.data)
        again = earlier is None or earlier.status == "requested"
        # htmx swaps only 2xx answers: for it the refusal is in the body.
        return render_order(order, block="order" if htmx else None, status=200 if htmx else 409,
                            refund_form=form if again else None, refused=str(error))
    return render_order(order, block="order" if htmx else None, refunded=made)
