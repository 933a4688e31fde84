"""Paying: the browser sends a PaymentMethod and the total it showed; the server prices again and
makes one Stripe call. The answer tells the browser what to do next (see payments.next_step)."""
import logging

import stripe
from flask import Blueprint, jsonify, render_template, request, url_for
from jinja2_fragments.flask import render_block
from wtforms import Form, IntegerField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from . import payments, stripe_gateway
from .extensions import db
from .models import Order
from .shop import checkout_context, price, product_or_404

bp = Blueprint("checkout", __name__)
log = logging.getLogger(__name__)

STRIPE_UNAVAILABLE = (
    "We could not reach our payment provider. Nothing has been charged twice: "
    "please press Pay again in a moment."
)


class PayForm(Form):
    """The payment half of the checkout form; the selection half is priced by pricing.py."""

    email = StringField(
        validators=[DataRequired("Enter your email for the receipt."), Length(max=254),
                    Email("Enter a valid email address.", check_deliverability=False)]
    )
    payment_method = StringField(
        validators=[DataRequired(), Regexp(r"^pm_[A-Za-z0-9_]{1,200}$", message="Invalid card token.")]
    )
    expected_total = IntegerField(validators=[DataRequired("The total is missing.")])
    order = StringField(validators=[Optional(), Length(max=32)])


def answer(order, intent):
    """Record what Stripe said on the order and tell the browser its next step."""
    step = payments.next_step(intent)
    order.payment_intent_id = intent.id
    order.last_error = step.message
    order.move_to(step.order_status, "browser", note=step.message)
    db.session.commit()
    body = {"order": order.public_id, "next": step.action}
    if step.action in ("receipt", "wait"):
        body.update(next="receipt", url=url_for("orders.receipt", public_id=order.public_id))
        return jsonify(body)
    if step.action == "authenticate":
        body.update(
            client_secret=step.client_secret,
            confirm_url=url_for("checkout.confirm", public_id=order.public_id),
        )
        return jsonify(body)
    body["message"] = step.message
    return jsonify(body), 402


def stripe_failed(order, error):
    log.warning("Stripe call failed for order %s: %s", order.id, type(error).__name__)
    return jsonify(order=order.public_id, next="retry", message=STRIPE_UNAVAILABLE), 503


def reusable_order(public_id, product, selection, quote):
    """The customer's earlier order, if a new card is being tried for the very same purchase."""
    if not public_id:
        return None
    order = db.session.scalar(db.select(Order).filter_by(public_id=public_id))
    if order and order.product_id == product.id and order.payable and order.total == quote.total \
            and order.selection == selection.to_form(quote.currency):
        return order
    return None


@bp.post("/p/<slug>/pay")
def pay(slug):
    product = product_or_404(slug)
    selection, quote = price(product, request.form)
    form = PayForm(request.form)
    if not quote.ok or not form.validate():
        errors = {**quote.errors, **{name: msgs[0] for name, msgs in form.errors.items()}}
        return jsonify(next="fix", errors=errors, message=" ".join(errors.values())), 400
    if form.expected_total.data != quote.total:
        # Never charge a total the customer did not see: show them the server's price instead.
        context = checkout_context(product, selection, quote, price_changed=True, partial=True)
        return render_block("shop/product.html", "price", **context), 409

    order = reusable_order(form.order.data, product, selection, quote) or Order.for_quote(
        product, selection, quote, form.email.data
    )
    if order.status == "failed":
        order.move_to("pending", "browser", note="new card")
    order.email = form.email.data
    order.attempts += 1
    db.session.add(order)
    db.session.commit()
    try:
        intent = stripe_gateway.pay(order, form.payment_method.data)
    except stripe.StripeError as error:
        return stripe_failed(order, error)
    return answer(order, intent)


@bp.post("/orders/<public_id>/confirm")
def confirm(public_id):
    """After 3-D Secure in the browser: confirm on the server, whichever way the challenge went."""
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    if order.status == "paid":
        return jsonify(order=order.public_id, next="receipt",
                       url=url_for("orders.receipt", public_id=order.public_id))
    if order.payment_intent_id is None or order.status != "requires_action":
        return jsonify(order=order.public_id, next="retry",
                       message="This payment is no longer waiting for your bank. Please press Pay again."), 409
    try:
        intent = stripe_gateway.confirm_after_action(order)
    except stripe.StripeError as error:
        return stripe_failed(order, error)
    return answer(order, intent)
