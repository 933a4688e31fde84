"""Receipts through an outbox: a customer who has paid never waits for, or fails because of, the
mail server, and no receipt is lost.

The receipt is queued on the order (`receipt_due_at`) in the commit that claims its fulfilment
(settlement.fulfil). It is sent after the response to the request that fulfilled it, and again
by `flask mail send` and `flask orders reconcile` while it is due. Each try first claims it with
a conditional UPDATE that also sets when the next try is due, so two senders never send at once
and a sender that dies leaves it to the next try. A temporary failure (4xx, no connection, a
timeout, an untrusted certificate) waits for a backoff that doubles per try; a permanent refusal
(5xx: this address or this message will never be accepted) is recorded on the order for the
admin's order page and never tried again. One bad address never holds up another receipt.
"""
import logging
from collections import Counter
from datetime import timedelta

from flask import after_this_request, current_app, has_request_context
from sqlalchemy import update

from . import mail
from .extensions import db
from .models import Order, utcnow

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
BATCH = 500


def queued(now):
    """The columns that queue a receipt, to set in the fulfilment's own UPDATE."""
    return {"receipt_due_at": now, "receipt_tries": 0, "receipt_error": None}


def backoff(tries):
    """How long to wait after the `tries`-th try failed: 1, 2, 4 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** min(tries - 1, 20), LONGEST_WAIT)


def send_soon(order):
    """Send the order's receipt after this request's response, or now outside a request."""
    if not has_request_context():
        send(order)
        return
    app, order_id = current_app._get_current_object(), order.id

    @after_this_request
    def after_the_response(response):
        # call_on_close runs once the server has sent the whole response to the customer.
        response.call_on_close(lambda: _send_later(app, order_id))
        return response


def _send_later(app, order_id):
    # The worker thread that answered sends it; the SMTP timeout bounds how long it is held.
    with app.app_context():
        try:
            order = db.session.get(Order, order_id)
        except Exception:  # the receipt stays due for `flask mail send` and reconcile
            log.exception("Receipt of order %s: could not read the order", order_id)
            return
        if order is not None:
            send(order)


def send_due(limit=BATCH):
    """Try every receipt that is due, each on its own; returns counts of the outcomes."""
    due = (db.select(Order.id)
           .where(Order.receipt_due_at <= utcnow(), Order.receipt_sent_at.is_(None),
                  Order.receipt_refused_at.is_(None))
           .order_by(Order.receipt_due_at, Order.id).limit(limit))
    counts = Counter()
    for order_id in db.session.scalars(due).all():
        outcome = send(db.session.get(Order, order_id))
        if outcome:
            counts[outcome] += 1
    return counts


def send(order):
    """One try at the order's receipt if it is due and no one else is trying it. Returns
    "receipts sent", "receipts refused" or "receipts to retry", or None (not due, or taken).
    Never raises: a customer who has paid gets no error because of mail."""
    try:
        return _try(order)
    except Exception:  # a database error while recording; the receipt stays due
        log.exception("Receipt of order %s: the try failed", order.id)
        db.session.rollback()
        return "receipts to retry"


def _try(order):
    now = utcnow()
    tries = order.receipt_tries
    claimed = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.receipt_tries == tries, Order.receipt_due_at <= now,
               Order.receipt_sent_at.is_(None), Order.receipt_refused_at.is_(None))
        # A try is not a change to the order: updated_at stays (reconcile reads it).
        .values(receipt_tries=tries + 1, receipt_due_at=now + backoff(tries + 1),
                updated_at=Order.updated_at)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    if not claimed:
        return None
    try:
        mail.send_receipt(order)
    except mail.Undelivered as error:
        return _failed(order, tries + 1, error)
    order.receipt_sent_at, order.receipt_due_at, order.receipt_error = utcnow(), None, None
    db.session.commit()
    return "receipts sent"


def _failed(order, tries, error):
    if error.permanent:
        log.error("Receipt of order %s refused for good: %s", order.id, error)
        order.receipt_refused_at, order.receipt_due_at = utcnow(), None
        order.receipt_error = str(error)
        outcome = "receipts refused"
    else:
        log.warning("Receipt of order %s not sent (try %s, next after %s): %s",
                    order.id, tries, order.receipt_due_at, error)
        order.receipt_error = str(error)
        outcome = "receipts to retry"
    db.session.commit()
    return outcome
