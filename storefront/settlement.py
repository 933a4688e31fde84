"""Bringing an order in line with its PaymentIntent, and fulfilling it exactly once.

The browser's answer, a webhook and `flask orders reconcile` all end here, each holding the
order's lease; whichever comes first fulfils, the others find nothing left to do.
"""
import logging

from sqlalchemy import update

from . import payments, receipts, stripe_gateway
from .extensions import db
from .models import Order, utcnow

log = logging.getLogger(__name__)

ATTEMPT_OUTCOMES = {"paid": "succeeded", "requires_action": "requires_action", "failed": "declined"}


def settle(order, intent, source, attempt=None):
    """Record what `intent` says about `order`; return the next step for the customer."""
    step = payments.next_step(intent)
    last = order.last_attempt
    if attempt is None and last is not None and last.outcome == "requires_action":
        attempt = last  # a webhook may report how 3-D Secure ended before the browser does
    if attempt is not None:
        attempt.outcome = ATTEMPT_OUTCOMES.get(step.order_status, attempt.outcome)
    if order.payment_intent_id is None:
        order.payment_intent_id = intent.id
    elif order.payment_intent_id != intent.id:
        _foreign_intent(order, intent, step, source)
        db.session.commit()
        return step
    if step.order_status == "paid" and (intent.amount, intent.currency) != (
        order.total, order.currency.lower()
    ):
        # Never expected: the server priced this order. Keep it visible rather than fulfil it.
        log.error("Order %s: intent %s is for %s %s, the order for %s %s", order.id, intent.id,
                  intent.amount, intent.currency, order.total, order.currency)
        order.last_error = "Amount mismatch with Stripe; needs a look"
        db.session.commit()
        return step
    if order.can_move_to(step.order_status):
        order.last_error = step.message
        order.move_to(step.order_status, source, note=step.message)
    else:
        # A stale report (a decline that arrives after the success): the order knows better.
        log.info("Order %s stays %s; %s reported %s", order.id, order.status, source, intent.status)
    db.session.commit()
    if order.status == "paid":
        fulfil(order)
    return step


def _foreign_intent(order, intent, step, source):
    """A second PaymentIntent for one order (a lost answer retried with a new card): if the
    order is paid already and this one took money too, give it back."""
    if step.order_status == "paid" and order.status != "paid":
        log.warning("Order %s paid through intent %s instead of %s", order.id, intent.id,
                    order.payment_intent_id)
        order.payment_intent_id = intent.id
        order.move_to("paid", source, note=f"paid through {intent.id}")
        fulfil(order)
    elif step.order_status == "paid":
        stripe_gateway.refund_duplicate(intent)
        log.warning("Order %s: refunded duplicate payment %s", order.id, intent.id)


def fulfil(order):
    """Mark the order fulfilled and queue its receipt in the same commit, once, whoever calls
    first; the receipt goes out after the response (storefront/receipts.py)."""
    now = utcnow()
    claimed = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.fulfilled_at.is_(None))
        .values(fulfilled_at=now, **receipts.queued(now))
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    if claimed:
        receipts.send_soon(order)
