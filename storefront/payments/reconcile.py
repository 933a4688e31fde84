"""`flask orders reconcile`: bring orders left pending, waiting for 3-D Secure or processing in
line with Stripe, send the customers' emails that are due (storefront/orders/outbox.py), and make the
makers' transfers and reversals that Stripe has not made yet (storefront/payments/connect.py). Safe on
several hosts at once: each order is handled under its lease, settling is idempotent, and each
email or reversal is claimed before it is tried."""
from collections import Counter
from datetime import timedelta

import stripe

from storefront.models import Order, utcnow
from storefront.orders import outbox
from storefront.orders.leases import order_lease
from storefront.payments import connect, gateway
from storefront.payments.decisions import Failure
from storefront.payments.settlement import fulfil, settle, settle_session
from storefront.web.extensions import db

# Processing: a bank debit, which settles (or fails) days later.
OPEN = ("pending", "requires_action", "processing")
ABANDONED = ("requires_action", "requires_payment_method", "requires_confirmation")
BATCH = 500
# Stripe keeps an idempotency key for 24 hours; asked again after that, a request may be made
# anew. An hour's margin for clocks and a run that takes long.
KEY_KEPT = timedelta(hours=23)
# Stripe's search is not read-after-write: normally under a minute behind, up to an hour in an
# outage. An empty answer about anything younger proves nothing.
SEARCH_LAG = timedelta(hours=1)


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
    if order.checkout_session_id or _last_session_attempt(order):
        return _reconcile_session(order, abandoned)
    now = utcnow()
    # (A Checkout Session's attempt is the session's to settle: _reconcile_session.)
    lost = [attempt for attempt in order.attempts
            if attempt.outcome is None and attempt.kind != "session"]
    # What the order's lost calls did, asked by sending each recorded request again with its
    # key: Stripe answers the first request's result, or, if it never arrived, makes it now.
    # Never after Stripe may have forgotten the key (24 h): that could pay a second time.
    asked = [(attempt, attempt.request or gateway.payment_request(order, attempt),
              attempt.idempotency_key) for attempt in lost if now - attempt.created_at < KEY_KEPT]
    searched = [attempt for attempt in lost if now - attempt.created_at >= KEY_KEPT]
    intent_id, public_id = order.payment_intent_id, order.public_id
    db.session.commit()  # no transaction open while Stripe answers
    answers = [(attempt, gateway.pay(request, key)) for attempt, request, key in asked]
    held = {answer.id: answer for _, answer in answers if not isinstance(answer, Failure)}
    if intent_id and intent_id not in held:
        held[intent_id] = gateway.retrieve(intent_id)
    if searched:
        # A lost call older than its key: only search can find what it did, every page of it.
        for intent in gateway.intents_for_order(public_id):
            held.setdefault(intent.id, intent)
    for attempt, answer in answers:
        if isinstance(answer, Failure):
            settle(order, answer, "reconcile", attempt)  # a saved failure or a refusal: "error"
    if not held:
        for attempt in searched:
            # Search, every page, found nothing long after it caught up with Stripe's writes.
            if now - attempt.created_at >= SEARCH_LAG:
                attempt.outcome = "error"
        if any(attempt.outcome is None for attempt in order.attempts):
            # A call whose outcome is still unknown (Stripe unreachable, its key refused for
            # other parameters): nothing is concluded; the next run asks again.
            db.session.commit()
            return "not known yet"
        # Stripe said so: the request it saved failed, or it refused it, or it never had it.
        order.move_to("canceled", "reconcile", note="No payment reached Stripe")
        db.session.commit()
        return "canceled (never reached Stripe)"
    # Money first: a succeeded intent decides the order whatever the others say.
    intents = sorted(held.values(), key=lambda intent: intent.status != "succeeded")
    by_intent = {answer.id: attempt for attempt, answer in answers
                 if not isinstance(answer, Failure)}
    unknown = [attempt for attempt in order.attempts if attempt.outcome is None]
    decisions = [settle(order, intent, "reconcile",
                        by_intent.get(intent.id) or (unknown[-1] if unknown else None))
                 for intent in intents]
    intent = intents[0]
    # Microdeposits take days to reach the customer's account, and Stripe itself gives up on
    # them after ten: such an order is waiting, not abandoned. Only an intent the shop holds
    # is canceled.
    if abandoned and intent.status in ABANDONED and decisions[0].next != "verify":
        db.session.commit()  # no transaction open while Stripe answers
        settle(order, gateway.cancel(intent.id), "reconcile")
        return "canceled (abandoned)"
    return f"now {order.status}"


def _last_session_attempt(order):
    last = order.last_attempt
    return last is not None and last.kind == "session" and last.outcome is None


def _reconcile_session(order, abandoned):
    """An order paid on Stripe's Checkout page: its session decides. An abandoned page that is
    still open is expired first, so it can never be paid after its order was canceled. A
    session whose creation went unanswered is asked for again with its recorded request and
    key: Stripe answers the session it made, or makes it now (and then it is held)."""
    session_id = order.checkout_session_id
    if _last_session_attempt(order):
        attempt = order.last_attempt
        request, key = attempt.request, attempt.idempotency_key
        if request is None or utcnow() - attempt.created_at >= KEY_KEPT:
            return "not known yet"  # left to the session's own expiry and its webhook
        db.session.commit()  # no transaction open while Stripe answers
        try:
            created = gateway.create_checkout_session(request, key)
        except stripe.StripeError as error:
            if gateway.classify(error) == "uncertain":
                return "not known yet"
            attempt.outcome = "error"  # Stripe refused it, or saved a failure: nothing made
            if abandoned and order.payable:
                order.move_to("canceled", "reconcile", note="No payment reached Stripe")
            db.session.commit()
            return "canceled (never reached Stripe)" if order.status == "canceled" \
                else f"now {order.status}"
        attempt.outcome, order.checkout_session_id = "created", created.id
        session_id = created.id
    db.session.commit()  # no transaction open while Stripe answers
    session = gateway.checkout_session(session_id)
    if abandoned and session.status == "open":
        session = gateway.expire_checkout_session(session.id)
        settle_session(order, session, "reconcile")
        return "canceled (abandoned)" if order.status == "canceled" else f"now {order.status}"
    settle_session(order, session, "reconcile")
    return f"now {order.status}"
