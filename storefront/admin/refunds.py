"""Refunding an order from its page, in full or in part (the rules are in storefront/payments/refunds.py)."""
from flask import Blueprint, request
from flask_login import current_user

from storefront.admin.order_page import RefundForm, render_order
from storefront.catalog.money import AmountError, parse_amount
from storefront.models import Order, OrderLine
from storefront.payments import refunds
from storefront.web.extensions import db, htmx

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
    return render_order(order, block="order" if htmx else None, refunded=made,
                        refused=_not_reversed_yet(made.reversals))


@bp.post("/orders/<int:order_id>/lines/<int:line_id>/refund")
def refund_line(order_id, line_id):
    """Refund what is left of one line of the order; a maker's line also takes back their share."""
    order = db.get_or_404(Order, order_id)
    line = db.first_or_404(db.select(OrderLine).filter_by(id=line_id, order_id=order.id))
    form = RefundForm(request.form)
    try:
        if not form.validate():
            raise refunds.RefundRefused(next(iter(form.errors.values()))[0])
        admin = current_user._get_current_object()
        # What is left of the line is decided under the order's lease; sent again, the form
        # finds its refund, whatever is left of the line now.
        made = refunds.refund(order, form.request_id.data, None, admin,
                              form.reason.data or "requested_by_customer", line=line)
    except refunds.RefundRefused as error:
        return render_order(order, block="order" if htmx else None, status=200 if htmx else 409,
                            refused=str(error))
    return render_order(order, block="order" if htmx else None, refunded=made,
                        refused=_not_reversed_yet(made.reversals))


def _not_reversed_yet(reversals):
    """The merchant's message for reversals Stripe did not make at once, if any: they are on
    record, pending, and reconcile retries them."""
    pending = [reversal for reversal in reversals if reversal.status == "pending"]
    if not pending:
        return None
    whys = sorted({reversal.error for reversal in pending if reversal.error})
    why = f" ({'; '.join(whys)})" if whys else ""
    which, it = ("The maker's transfer was", "It is") if len(pending) == 1 else \
        (f"{len(pending)} makers' shares were", "They are")
    return (f"{which} not reversed yet{why}. {it} on record: flask orders reconcile tries "
            "again until Stripe makes it, and the transfers below show it meanwhile.")
