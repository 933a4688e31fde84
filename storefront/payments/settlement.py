"""Bringing an order in line with its PaymentIntent, and fulfilling it exactly once.

The browser's answer, a webhook and `flask orders reconcile` all end here, each holding the
order's lease; whichever comes first fulfils, the others find nothing left to do.
"""
import logging
from datetime import datetime, timezone

from sqlalchemy import update

from storefront.models import Order, utcnow
from storefront.orders import outbox
from storefront.payments import connect, decisions, gateway, tax
from storefront.web.extensions import db

log = logging.getLogger(__name__)


def settle(order, answer, source, attempt=None):
    """Apply what Stripe's `answer` (a PaymentIntent, or a Failure from gateway) means for
    the order (decisions.decide) and return the decision, whose `next` the browser follows.
    `attempt` is the attempt whose own call brought the answer."""
    if attempt is not None and not isinstance(answer, decisions.Failure):
        attempt.payment_intent_id = answer.id
    with db.session.no_autoflush:  # the attempt's changes go in one statement, after deciding
        decision = decisions.decide(order, answer)
    if decision.refund:
        # Refunded before the decision is recorded (the attempt's intent id alone is committed
        # here), with no transaction open during the call: if it fails, nothing says it was
        # done, and the next report (the webhook delivered again, reconcile) decides and
        # refunds again under the same key. The flag saying it was refunded is written below,
        # once it is.
        db.session.commit()
        gateway.refund_duplicate(answer)
        log.warning("Order %s: refunded duplicate payment %s", order.id, answer.id)
    last = order.last_attempt
    if attempt is None and last is not None and last.outcome == "requires_action" \
            and decision.order_status is not None:
        attempt = last  # a webhook may report how 3-D Secure ended before the browser does
    if attempt is not None and decision.attempt_outcome:
        attempt.outcome = decision.attempt_outcome
    if decision.flag:
        log.error("Order %s (%s): %s", order.id, source, decision.flag)
        order.flag(decision.flag, source)
    if decision.adopt and order.payment_intent_id != answer.id and order.can_move_to(decision.order_status):
        order.payment_intent_id = answer.id
    status, was = decision.order_status, order.status
    if status is not None and order.can_move_to(status):
        order.last_error = decision.message
        order.move_to(status, source, note=decision.message)
    elif status is not None:
        # A stale report (a decline that arrives after the success): the order knows better.
        log.info("Order %s stays %s; %s reported %s", order.id, order.status, source, status)
    # The customer left believing they paid: they are emailed a link to pay the order by card,
    # queued in the commit that records the failure, so once per failure whoever reports it.
    failed_later = (was, order.status) == ("processing", "failed")
    if failed_later:
        outbox.PAYMENT_FAILED.queue(order, utcnow())
    if was == "requires_action" and order.status != was and order.verify_email_sent_at is None:
        order.verify_email_due_at = None  # verified, failed or paid: nothing left to verify
    verify = microdeposits_sent(order, answer)
    db.session.commit()
    if order.status == "paid":
        fulfil(order, None if isinstance(answer, decisions.Failure) else answer)
    elif failed_later:
        outbox.send_soon(order, outbox.PAYMENT_FAILED)
    elif verify:
        outbox.send_soon(order, outbox.VERIFY_MICRODEPOSITS)
    return decision


def microdeposits_sent(order, intent):
    """When `intent` (the order's, waiting for microdeposits) says Stripe sent them: keep its
    verification page and the deposits' arrival date on the order, and queue the email that
    carries them, once per order whoever reports it first (the browser's answer, the
    `payment_intent.requires_action` webhook, reconcile): a conditional UPDATE, in the caller's
    commit. True when this call queued it; the caller sends it after its commit."""
    action = getattr(intent, "next_action", None)
    deposits = getattr(action, "verify_with_microdeposits", None) if action else None
    if (deposits is None or getattr(intent, "status", None) != "requires_action"
            or order.payment_intent_id != intent.id or order.status != "requires_action"):
        return False
    arrival = getattr(deposits, "arrival_date", None)
    values = {"stripe_link": getattr(deposits, "hosted_verification_url", None),
              "microdeposits_arrive_at": datetime.fromtimestamp(arrival, timezone.utc).replace(tzinfo=None)
              if arrival else None}
    claimed = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.verify_email_due_at.is_(None),
               Order.verify_email_sent_at.is_(None), Order.verify_email_refused_at.is_(None))
        .values(**values, **outbox.VERIFY_MICRODEPOSITS.queued(utcnow()), updated_at=Order.updated_at)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if claimed:
        for name, value in values.items():
            setattr(order, name, value)
    return claimed


def settle_session(order, session, source):
    """Bring an order paid on Stripe's Checkout page in line with its session (as Stripe has it
    now, its PaymentIntent expanded): a payment made there goes through the same decision as
    one made on the shop's page; a page that expired unpaid cancels the order. Returns the
    decision, or None when there is nothing to decide yet (the page is still open)."""
    attempt = order.last_attempt
    if session.id != order.checkout_session_id:
        # Only the order's current page may move it; an older one was expired before it.
        order.flag(f"Stripe reported Checkout session {session.id}, which is not this order's "
                   "current one; it was not applied.", source)
        db.session.commit()
        return None
    record_shipping(order, session, source)
    decision, intent = None, session.payment_intent
    if intent is not None:
        if attempt.payment_intent_id is None:  # Stripe made it for the order's own session
            attempt.payment_intent_id = intent.id
        decision = settle(order, intent, source, attempt)
    if session.status == "expired" and order.payable:  # a declined card, then the page closed
        attempt.outcome = "canceled"
        order.last_error = decisions.CHECKOUT_EXPIRED
        order.move_to("canceled", source, note=decisions.CHECKOUT_EXPIRED)
        db.session.commit()
    return decision


def record_shipping(order, session, source):
    """Keep where Stripe's Checkout page was told to ship the order (once the customer paid)."""
    details, charged = gateway.session_shipping(session)
    if details is None or session.status != "complete" or order.shipping_address is not None:
        return
    order.shipping_name, order.shipping_address = details["name"], details["address"]
    if charged is not None and charged != order.shipping_amount:
        order.flag(f"Stripe's page charged {charged} for shipping where the order says "
                   f"{order.shipping_amount}.", source)


def fulfil(order, intent=None):
    """Mark the order fulfilled and queue its receipt in the same commit, once, whoever calls
    first; the receipt goes out after the response (storefront/orders/outbox.py). A failure email
    still unsent is withdrawn: the order is paid. The card that paid `intent` (the PaymentIntent
    that settled it, when the caller has it) is recorded in that commit, for the receipt. Its
    tax (Stripe Tax's calculation) is recorded as a sale after that commit, by every caller
    until it is (tax.record_sale: one key per order)."""
    now = utcnow()
    # Read before the commit expires them: paying makers needs no second read of the order.
    paying = (order.id, order.public_id, order.currency)
    # Its tax, still to record with Stripe Tax (by whoever reports the payment, until it is).
    taxed = order.tax_calculation_id if order.tax_transaction_id is None else None
    card = {}
    if intent is not None and order.fulfilled_at is None and order.card_last4 is None:
        if gateway.card_needs_asking(intent):
            db.session.commit()  # no transaction open while Stripe answers
        try:
            card = gateway.card_paid_with(intent)
        except Exception:  # the receipt names no card; the payment and its fulfilment stand
            log.warning("Order %s: could not read the card it was paid with", paying[0],
                        exc_info=True)
    claimed = db.session.execute(
        update(Order)
        .where(Order.id == paying[0], Order.fulfilled_at.is_(None))
        .values(fulfilled_at=now, **card, **outbox.RECEIPT.queued(now), **outbox.withdrawn())
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    if taxed:
        tax.record_sale(paying[0], paying[1], taxed)
    if claimed:
        outbox.send_soon(order, outbox.RECEIPT)
        try:
            connect.pay_makers(*paying)
        except Exception:  # the payment stands; reconcile makes what is missing
            db.session.rollback()
            log.exception("Order %s: could not record its makers' transfers", order.id)
