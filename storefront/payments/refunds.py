"""Refunding an order, in full or in part, never more than was paid.

Every refund form carries a request id, and the refund it asks for is a Refund row saved with
its idempotency key before Stripe is called, all under the order's lease (leases.py):
- the same form sent twice (a double click, a retry) finds its refund and makes no other;
- a call whose answer was lost is asked again with its own key before anything new is refunded;
- what is left to refund counts what the order knows was refunded, refunds Stripe made that the
  order has not heard of yet, and refunds whose answer never came.

The order's status and amount_refunded move only when Stripe's charge.refunded arrives
(webhooks.py); until then the admin shows the refund as pending. A card refund can still fail
days after Stripe accepted it (the card was closed, say): Stripe's refund.failed then marks it
failed with Stripe's reason, and its amount is refundable again (`failed_later`).

Every refund made is counted in the order's lines, a line's in that line, an amount spread over
the lines not refunded yet in proportion to what is left of each; the makers of those lines give
their share of it back (connect.refund_settled), so the shop does not pay for what they keep.
An order whose tax Stripe Tax recorded has the refunded part of it reversed, once per refund
(tax.reverse_for_refund).
"""
import logging

import stripe
from flask import current_app

from storefront.models import Refund, utcnow
from storefront.orders import outbox
from storefront.orders.leases import order_lease
from storefront.payments import connect, gateway, tax
from storefront.web.extensions import db

log = logging.getLogger(__name__)

REFUNDABLE = ("paid", "partially_refunded")
# Stripe's refund reasons, as the form offers them.
REASONS = {
    "requested_by_customer": "Requested by the customer",
    "duplicate": "Duplicate payment",
    "fraudulent": "Fraudulent",
}
UNCERTAIN_MESSAGE = (
    "Stripe could not be reached, so the refund may or may not have been made. Send the same "
    "form again in a moment: it will not refund twice."
)


# Stripe's refund failure_reason values, as the merchant reads them.
FAILURE_REASONS = {
    "expired_or_canceled_card": "the card is expired or canceled",
    "lost_or_stolen_card": "the card was reported lost or stolen",
    "charge_for_pending_refund_disputed": "the customer disputed the payment",
    "insufficient_funds": "the Stripe balance was too low",
    "declined": "the card's bank declined it",
    "merchant_request": "it was canceled",
    "canceled": "the refund was canceled",  # a canceled refund has no failure_reason
}


class RefundRefused(Exception):
    """No refund was made; str() tells the merchant why."""


def committed(order):
    """How much of the payment is refunded or on its way back."""
    made = [r.charge_refunded_after for r in order.refunds if r.status == "accepted"]
    unanswered = sum(r.amount for r in order.refunds if r.status == "requested")
    return max([order.amount_refunded, *made]) + unanswered


def refundable(order):
    """What may still be refunded."""
    if order.status not in REFUNDABLE or order.payment_intent_id is None:
        return 0
    return max(order.total - committed(order), 0)


def pending(order):
    """Refunds not yet reflected in the order: unanswered, or made by Stripe with its
    charge.refunded webhook still on the way."""
    return [r for r in order.refunds if r.status == "requested" or (
        r.status == "accepted" and r.charge_refunded_after > order.amount_refunded)]


def failed_later(order, stripe_refund, charge_amount_refunded):
    """Stripe reports a refund it had accepted as failed or canceled: the money stayed with the
    shop. `charge_amount_refunded` is the charge's amount_refunded as Stripe has it now."""
    made = next((r for r in order.refunds if r.stripe_refund_id == stripe_refund.id), None)
    if made is not None and made.status != "failed":
        reason = getattr(stripe_refund, "failure_reason", None) or stripe_refund.status
        made.status = "failed"
        if made.email_sent_at is None:
            made.email_due_at = None  # the customer hears of no money that never came back
        made.error = (f"Stripe could not return the money: "
                      f"{FAILURE_REASONS.get(reason, reason.replace('_', ' '))} ({reason}). "
                      "The amount can be refunded again.")
        # Refunds made after it counted it in the charge's amount_refunded.
        for later in order.refunds:
            if later.status == "accepted" and later.charge_id == made.charge_id and \
                    later.charge_refunded_after >= made.charge_refunded_after:
                later.charge_refunded_after -= made.amount
    order.amount_refunded = charge_amount_refunded
    status = "paid" if charge_amount_refunded == 0 else "refunded" \
        if charge_amount_refunded >= order.total else "partially_refunded"
    if order.status in REFUNDABLE + ("refunded",) and order.status != status:
        order.move_to(status, "webhook", note=f"refund {stripe_refund.id} {stripe_refund.status}")


def find(order, request_id):
    """The refund a form asked for, if it got that far."""
    return next((r for r in order.refunds if r.request_id == request_id), None)


def line_left(order, line):
    """What is left to refund of `line`: its amount, less what refunds counted in it and refunds
    of it not counted yet (unanswered, or made by a request that ended before counting them)."""
    uncounted = sum(r.amount for r in order.refunds if r.order_line_id == line.id and (
        r.status == "requested" or (r.status == "accepted" and not r.lines_settled)))
    return max(line.amount - line.refunded - uncounted, 0)


def refund(order, request_id, amount, admin, reason=None, line=None):
    """Refund `amount` (minor units; None: all that is left, of the order or of `line`) for the
    form `request_id`; `line`: the order line it refunds, if it refunds one.

    What is left is worked out under the order's lease, from the order as recorded then: two
    forms sent at once (two tabs, two admins) never refund the same money twice.
    Returns the accepted Refund, or raises RefundRefused.
    """
    wait = current_app.config["ORDER_BUSY_WAIT_SECONDS"]
    with order_lease(order, wait=wait) as held:
        if not held:
            raise RefundRefused("This order is busy with a payment or another refund. "
                                "Try again in a moment.")
        earlier = find(order, request_id)
        if earlier is not None:
            return _again(order, earlier, amount)
        for unanswered in [r for r in order.refunds if r.status == "requested"]:
            try:
                _send(order, unanswered)
            except RefundRefused:
                if unanswered.status == "requested":
                    raise  # still no answer: nothing new until there is one
        left = refundable(order)
        if left == 0:
            raise RefundRefused("Nothing is left to refund on this order.")
        if line is not None:
            of_line = line_left(order, line)
            if of_line == 0:
                raise RefundRefused("This line is refunded already: another refund of it was "
                                    "made meanwhile. The page now shows it.")
            left = min(left, of_line)
        amount = left if amount is None else amount
        if amount <= 0:
            raise RefundRefused("Enter an amount to refund.")
        if amount > left:
            raise RefundRefused("That is more than is left to refund: what was paid, less what "
                                "is refunded or on its way back.")
        made = Refund(request_id=request_id, amount=amount, reason=reason, admin=admin,
                      order_line_id=line.id if line is not None else None,
                      idempotency_key=gateway.refund_key(order, request_id))
        order.refunds.append(made)
        db.session.commit()  # the key is on record before Stripe hears of it
        return _send(order, made)


def _again(order, earlier, amount):
    """The same form once more: its refund, never a second one."""
    if amount is not None and amount != earlier.amount:
        raise RefundRefused("This form was already sent with another amount. "
                            "Reload the page to make another refund.")
    if earlier.status == "requested":
        return _send(order, earlier)  # its answer was lost: ask again with its key
    if earlier.status == "refused":
        raise RefundRefused(earlier.error)
    if not earlier.lines_settled:  # made, but the request ended before the lines counted it
        connect.refund_settled(earlier)
    tax.reverse_for_refund(earlier)  # nothing when reversed already or no tax was recorded
    return earlier


def _send(order, made):
    """Ask Stripe for the refund `made` describes and record the answer."""
    # Its parameters all come from the Refund row and the paid order, which do not change.
    params, key = gateway.refund_request(order, made.amount, made.reason), made.idempotency_key
    db.session.commit()  # no transaction open while Stripe answers
    try:
        answer = gateway.refund(params, key)
    except stripe.StripeError as error:
        kind = gateway.classify(error)
        if kind == "uncertain":  # Stripe may or may not have made it: ask again with the key
            log.warning("Refund %s for order %s: %s", made.id, order.id, type(error).__name__)
            raise RefundRefused(UNCERTAIN_MESSAGE) from error
        made.status, made.error = "refused", _refusal(error, kind)
        db.session.commit()
        raise RefundRefused(made.error) from error
    if answer.status in ("failed", "canceled"):
        made.status, made.error = "refused", f"Stripe reports the refund {answer.status}."
    else:
        made.status = "accepted"
        made.charge_id = answer.charge.id
        made.charge_refunded_after = answer.charge.amount_refunded
    made.stripe_refund_id, made.stripe_status = answer.id, answer.status
    emailed = email_customer(made)
    db.session.commit()
    if made.status == "refused":
        raise RefundRefused(made.error)
    if emailed:
        outbox.send_soon(made, outbox.REFUND)
    connect.refund_settled(made)
    tax.reverse_for_refund(made)
    return made


def email_customer(made):
    """Queue the customer's email about the refund `made`, to go in the commit that records
    Stripe's "succeeded" (the refund's answer, or refund.updated days later for a bank): once
    per refund, whichever reports it first, and never for a refund that failed or is pending.
    True if it was queued now."""
    if made.status != "accepted" or made.stripe_status != "succeeded" or made.email_tries or \
            made.email_due_at or made.email_sent_at or made.email_refused_at:
        return False
    outbox.REFUND.queue(made, utcnow())
    return True


def _refusal(error, kind):
    """The merchant's message for a refund Stripe would not make."""
    if kind == "failed":  # a failure Stripe saved for the key and replays
        return ("Stripe failed to make this refund, and nothing was refunded. "
                "Reload the page to try again.")
    detail = error.error.message if error.error and error.error.message else str(error)
    if error.code == "charge_already_refunded" or getattr(error.error, "param", None) == "amount":
        return (f"Stripe refused the refund: {detail} It may have been refunded in the Stripe "
                "dashboard; the order shows it once Stripe's notice arrives.")
    return f"Stripe refused the refund: {detail}"
