"""Paying: the browser sends a PaymentMethod and the total it showed; the server prices again and
makes one Stripe call. The answer tells the browser what to do next (see payments.next_step).

Every request that may call Stripe for an order holds the order's lease (leases.py), and every
card tried is a PaymentAttempt saved with its idempotency key before Stripe is called: double
clicks, retries and lost answers never make a second charge.
"""
import hashlib
import json
import logging

import stripe
from flask import Blueprint, current_app, jsonify, request, url_for
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import IntegrityError
from wtforms import Form, IntegerField, StringField
from wtforms.validators import DataRequired, Email, Length, Regexp

from . import stripe_gateway
from .extensions import db
from .leases import order_lease
from .models import Order, PaymentAttempt
from .payments import NextStep
from .settlement import settle
from .shop import checkout_context, price, product_or_404

bp = Blueprint("checkout", __name__)
log = logging.getLogger(__name__)

STRIPE_UNAVAILABLE = (
    "We could not reach our payment provider. You have not been charged twice: "
    "please press Pay again in a moment."
)
STRIPE_FAILED = (
    "Our payment provider could not take the payment, and you have not been charged. "
    "Please press Pay again."
)
CARD_UNUSABLE = "This card could not be used. Please try another card."
# Faults after which Stripe may or may not have acted: the same attempt is asked again. An
# idempotency error means the first request with that key is still running.
UNCERTAIN = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError,
             stripe.IdempotencyError)


class PayForm(Form):
    """The payment half of the checkout form; the selection half is priced by pricing.py."""

    email = StringField(
        validators=[DataRequired("Enter your email for the receipt."), Length(max=254),
                    Email("Enter a valid email address.", check_deliverability=False)]
    )
    payment_method = StringField(
        validators=[DataRequired("Card details are missing."),
                    Regexp(r"^pm_[A-Za-z0-9_]{1,200}$", message="Card details are missing.")]
    )
    expected_total = IntegerField(validators=[DataRequired("The total is missing.")])
    checkout_token = StringField(
        validators=[DataRequired("Please reload the page."),
                    Regexp(r"^[A-Za-z0-9_-]{16,64}$", message="Please reload the page.")]
    )


def selection_key(selection, quote):
    canonical = json.dumps([selection.to_form(quote.currency), quote.total], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def order_for_checkout(product, selection, quote, form):
    """The order for this checkout page and selection, created by whichever request comes first."""
    key = selection_key(selection, quote)
    find = db.select(Order).filter_by(checkout_token=form.checkout_token.data, selection_key=key)
    order = db.session.scalar(find)
    if order is None:
        db.session.add(Order.for_quote(product, selection, quote, form.email.data,
                                       form.checkout_token.data, key))
        try:
            db.session.commit()
        except IntegrityError:  # its twin request won the race
            db.session.rollback()
        order = db.session.scalar(find)
    return order


def receipt_url(order):
    return url_for("orders.receipt", public_id=order.public_id)


def answer(order, step):
    """Tell the browser the next step for the order."""
    body = {"order": order.public_id, "next": step.action}
    if step.action in ("receipt", "wait"):
        return jsonify(body | {"next": "receipt", "url": receipt_url(order)})
    if step.action == "authenticate":
        confirm_url = url_for("checkout.confirm", public_id=order.public_id)
        return jsonify(body | {"client_secret": step.client_secret, "confirm_url": confirm_url})
    return jsonify(body | {"message": step.message}), 402


def answer_again(order):
    """The answer for a repeated request, from what the order already knows."""
    if order.status in ("paid", "partially_refunded", "refunded"):
        return jsonify(order=order.public_id, next="receipt", url=receipt_url(order))
    if order.status == "requires_action":
        return answer(order, settle(order, stripe_gateway.retrieve(order.payment_intent_id), "browser"))
    message = order.last_error or "Your payment did not go through. Please try another card."
    return jsonify(order=order.public_id, next="retry", message=message), 402


def run_attempt(order, attempt):
    """Send `attempt` to Stripe (again: the same request, the same key) and settle the order.

    Returns the next step; a request Stripe refused closes the attempt with a "retry" step.
    Re-raises when Stripe's answer is unknown: the attempt stays open, and the next request
    for the order asks again before trying anything new.
    """
    try:
        return settle(order, stripe_gateway.pay(order, attempt), "browser", attempt)
    except stripe.StripeError as error:
        log.warning("Stripe call for order %s failed: %s", order.id, type(error).__name__)
        if isinstance(error, UNCERTAIN) and not _settled_failure(error):
            raise
        attempt.outcome = "error"
        db.session.commit()
        message = STRIPE_FAILED if isinstance(error, UNCERTAIN) else CARD_UNUSABLE
        return NextStep(order.status, "retry", message=message)


def _settled_failure(error):
    """Whether Stripe's answer, though an error, is final: a 500 that Stripe saved for the key and
    replays, or a key refused for other parameters (only a 409 means the first is still running)."""
    if isinstance(error, stripe.IdempotencyError):
        return error.http_status != 409
    return (error.headers or {}).get("Idempotent-Replayed") == "true"


def unavailable(order):
    return jsonify(order=order.public_id, next="retry", message=STRIPE_UNAVAILABLE), 503


def charge(order, payment_method):
    """Charge `payment_method` for `order`, holding its lease."""
    last = order.last_attempt
    if last is not None and last.outcome is None:
        # The last call's answer never came back: ask again with its key before anything new.
        try:
            step = run_attempt(order, last)
        except stripe.StripeError:
            return unavailable(order)
        if last.payment_method == payment_method or step.action != "retry":
            return answer(order, step)
    elif last is not None and last.payment_method == payment_method and last.outcome != "error":
        return answer_again(order)  # the same request again: its answer, never a second charge
    if not order.payable:
        return answer_again(order)
    declined = sum(attempt.outcome == "declined" for attempt in order.attempts)
    if declined >= current_app.config["MAX_FAILED_ATTEMPTS_PER_ORDER"]:
        return jsonify(order=order.public_id, next="stop", message=(
            "This order has been declined too many times. Please contact us, or try again later.")), 429

    number = len(order.attempts) + 1
    attempt = PaymentAttempt(number=number, payment_method=payment_method,
                             kind="confirm" if order.payment_intent_id else "create",
                             idempotency_key=stripe_gateway.attempt_key(order, number))
    order.attempts.append(attempt)
    if order.status == "failed":
        order.move_to("pending", "browser", note="another card")
    db.session.commit()  # the key is on record before Stripe hears of it
    try:
        return answer(order, run_attempt(order, attempt))
    except stripe.StripeError:
        return unavailable(order)


def busy(order):
    return jsonify(order=order.public_id, next="retry", message=(
        "This order is already being paid in another window. Wait a moment, then reload the page.")), 409


@bp.post("/p/<slug>/pay")
def pay(slug):
    product = product_or_404(slug)
    selection, quote = price(product, request.form)
    form = PayForm(request.form)
    if not quote.ok or not form.validate():
        errors = {**quote.errors, **{name: msgs[0] for name, msgs in form.errors.items()}}
        return jsonify(next="fix", errors=errors, message=" ".join(dict.fromkeys(errors.values()))), 400
    if form.expected_total.data != quote.total:
        # Never charge a total the customer did not see: show them the server's price instead.
        context = checkout_context(product, selection, quote, price_changed=True, partial=True)
        return render_block("shop/product.html", "price", **context), 409

    order = order_for_checkout(product, selection, quote, form)
    order.email = form.email.data
    with order_lease(order, wait=current_app.config["ORDER_BUSY_WAIT_SECONDS"]) as held:
        if not held:
            return busy(order)
        return charge(order, form.payment_method.data)


@bp.post("/orders/<public_id>/confirm")
def confirm(public_id):
    """After 3-D Secure in the browser: confirm on the server, whichever way the challenge went."""
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    with order_lease(order, wait=current_app.config["ORDER_BUSY_WAIT_SECONDS"]) as held:
        if not held:
            return busy(order)
        if order.status != "requires_action":
            return answer_again(order)
        attempt = order.last_attempt
        try:
            intent = stripe_gateway.confirm_after_action(order, attempt)
        except stripe.StripeError as error:
            log.warning("Stripe re-confirm for order %s failed: %s", order.id, type(error).__name__)
            return unavailable(order)
        return answer(order, settle(order, intent, "browser", attempt))
