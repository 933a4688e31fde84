"""`flask orders reconcile`: bring orders left pending, waiting for 3-D Secure or processing in
line with Stripe, send the customers' emails that are due (storefront/orders/outbox.py), and make the
makers' transfers and reversals that Stripe has not made yet (storefront/payments/connect.py). Safe on
several hosts at once: each order is handled under its lease, settling is idempotent, and each
email or reversal is claimed before it is tried."""
from collections import Counter

from storefront.models import Order, utcnow
from storefront.orders import outbox
from storefront.orders.leases import order_lease
from storefront.payments import connect, gateway
from storefront.payments.settlement import fulfil, settle, settle_session
from storefront.web.extensions import db

# Processing: a bank debit, which settles (or fails) days later.
OPEN = ("pending", "requires_action", "processing")
ABANDONED = ("requires_action", "requires_payment_method", "requires_confirmation")
BATCH = 500


def reconcile(older_than, cancel_after):
    """Check orders untouched for `older_than`; cancel those whose customer left more than
    `cancel_after` ago without paying. Returns counts of what was done."""
    now = utcnow()
    counts = Counter()
    stale = db.select(Order.id).where(Order.status.in_(OPEN), Order.updated_at < now - older_than)
    for order_id in db.session.scalars(stale.order_by(Order.id).limit(BATCH)).all():
        order = db.session.get(Order, order_id)
        with order_lease(order) as held:
            if not held:
                counts["busy elsewhere"] += 1
            elif order.status in OPEN:
                counts[_reconcile_order(order, abandoned=order.updated_at < now - cancel_after)] += 1

    # A paid order whose fulfilment was never claimed (the process died between the commits).
    unfulfilled = db.select(Order.id).where(Order.status == "paid", Order.fulfilled_at.is_(None),
                                            Order.updated_at < now - older_than)
    for order_id in db.session.scalars(unfulfilled.limit(BATCH)).all():
        fulfil(db.session.get(Order, order_id))
        counts["fulfilled late"] += 1
    counts.update(outbox.send_due())
    # Makers' transfers that waited (not enabled then, or Stripe could not be reached), and
    # refunded lines' shares that Stripe did not take back when they were refunded.
    counts.update(connect.pay_waiting())
    counts.update(connect.reverse_pending())
    return counts


def _reconcile_order(order, abandoned):
    if order.checkout_session_id:
        return _reconcile_session(order, abandoned)
    if order.payment_intent_id:
        intents = [gateway.retrieve(order.payment_intent_id)]
    else:
        intents = gateway.intents_for_order(order)
    unknown = [attempt for attempt in order.attempts if attempt.outcome is None]
    if not intents:
        for attempt in unknown:
            attempt.outcome = "error"
        order.move_to("canceled", "reconcile", note="No payment reached Stripe")
        db.session.commit()
        return "canceled (never reached Stripe)"
    # Money first: a succeeded intent decides the order whatever the others say.
    intents.sort(key=lambda intent: intent.status != "succeeded")
    decisions = [settle(order, intent, "reconcile", unknown[-1] if unknown else None)
                 for intent in intents]
    intent = intents[0]
    # Microdeposits take days to reach the customer's account, and Stripe itself gives up on
    # them after ten: such an order is waiting, not abandoned.
    if abandoned and intent.status in ABANDONED and decisions[0].next != "verify":
        settle(order, gateway.cancel(intent.id), "reconcile")
        return "canceled (abandoned)"
    return f"now {order.status}"


def _reconcile_session(order, abandoned):
    """An order paid on Stripe's Checkout page: its session decides. An abandoned page that is
    still open is expired first, so it can never be paid after its order was canceled."""
    session = gateway.checkout_session(order.checkout_session_id)
    if abandoned and session.status == "open":
        session = gateway.expire_checkout_session(session.id)
        settle_session(order, session, "reconcile")
        return "canceled (abandoned)" if order.status == "canceled" else f"now {order.status}"
    settle_session(order, session, "reconcile")
    return f"now {order.status}"
