"""Stripe's webhooks: verified on the raw body, handled once per event id, and decided from the
PaymentIntent's own state so that duplicates and out-of-order deliveries do no harm."""
import logging
import time

import stripe
from flask import Blueprint, current_app, request
from sqlalchemy.exc import IntegrityError

from storefront.models import Order, Refund, StripeEvent
from storefront.orders.leases import order_lease
from storefront.payments import connect, decisions, gateway, refunds
from storefront.orders import outbox
from storefront.payments.settlement import microdeposits_sent, settle, settle_session
from storefront.web.extensions import csrf, db

bp = Blueprint("webhooks", __name__)
log = logging.getLogger(__name__)

NOT_OURS = object()


def _order_for_intent(intent):
    metadata = getattr(intent, "metadata", None)
    public_id = metadata.to_dict().get("order_public_id") if metadata else None
    if not public_id:
        return NOT_OURS  # another integration on the same Stripe account
    return db.session.scalar(db.select(Order).filter_by(public_id=public_id))


def _order_for_charge(charge):
    order = db.session.scalar(db.select(Order).filter_by(payment_intent_id=charge.payment_intent))
    return order or NOT_OURS


def _intent_settled(order, intent):
    # An intent Stripe's Checkout page made is one of the order's too: its session's attempt
    # sent no PaymentMethod, and is for cards (decisions.ours).
    settle(order, intent, "webhook")


def _intent_changed(order, intent):
    """A non-final status may be stale by now: ask Stripe, unless the order already agrees or is
    paid (which only a refund changes). A fault raises, and Stripe delivers the event again."""
    decision = decisions.decide(order, intent)
    if decision.order_status == order.status and microdeposits_sent(order, intent):
        # The browser told of the microdeposits first; this event says they are sent: the
        # email with Stripe's verification page goes once this event's commit is made.
        outbox.send_soon(order, outbox.VERIFY_MICRODEPOSITS)
    if decision.flag:
        settle(order, intent, "webhook")  # records why it was not applied
    elif decision.order_status not in (None, order.status) and order.status not in decisions.PAID:
        db.session.commit()  # no transaction open while Stripe answers
        settle(order, gateway.retrieve(intent.id), "webhook")


def _order_for_session(session):
    return _order_for_intent(session)  # the same metadata: order_public_id


def _session_changed(order, session):
    """Decided from the session as Stripe has it now (events repeat and come out of order), and
    not at all once the order is paid (only a refund moves it then)."""
    if order.status not in decisions.PAID:
        db.session.commit()  # no transaction open while Stripe answers
        settle_session(order, gateway.checkout_session(session.id), "webhook")


def _charge_refunded(order, charge):
    if any(r.status == "failed" for r in order.refunds):
        # A late notice from before a refund failed would count it again: ask Stripe.
        db.session.commit()  # no transaction open while Stripe answers
        charge = gateway.charge(charge.id)
    if charge.amount_refunded <= order.amount_refunded:
        return  # an older refund event, arriving late
    order.amount_refunded = charge.amount_refunded
    status = "refunded" if charge.amount_refunded >= order.total else "partially_refunded"
    if order.can_move_to(status):
        order.move_to(status, "webhook", note=f"{charge.amount_refunded} refunded")


def _order_for_refund(refund):
    found = db.session.scalar(db.select(Refund).filter_by(stripe_refund_id=refund.id))
    if found is not None:
        return found.order
    # A refund made in Stripe's dashboard: the order of its PaymentIntent, if one is ours.
    order = db.session.scalar(db.select(Order).filter_by(payment_intent_id=refund.payment_intent))
    return order or NOT_OURS


def _refund_updated(order, refund):
    """Stripe's status of a refund, kept: a bank refund reaches the customer days later; any
    refund may fail (or be canceled) after it was made, its amount then refundable again."""
    refunded = None
    if refund.status in ("failed", "canceled"):
        db.session.commit()  # no transaction open while Stripe answers
        refunded = gateway.charge(refund.charge).amount_refunded
    found = next((r for r in order.refunds if r.stripe_refund_id == refund.id), None)
    if found is not None:
        found.stripe_status = refund.status
        if refunds.email_customer(found):  # sent once this event's commit is made
            outbox.send_soon(found, outbox.REFUND)
    if refunded is not None:
        refunds.failed_later(order, refund, refunded)


HANDLERS = {
    "payment_intent.succeeded": (_order_for_intent, _intent_settled),
    "payment_intent.canceled": (_order_for_intent, _intent_settled),
    "payment_intent.payment_failed": (_order_for_intent, _intent_changed),
    "payment_intent.requires_action": (_order_for_intent, _intent_changed),
    "payment_intent.processing": (_order_for_intent, _intent_changed),
    "charge.refunded": (_order_for_charge, _charge_refunded),
    "refund.updated": (_order_for_refund, _refund_updated),
    # These tell of the same change as refund.updated; whichever comes first does it.
    "refund.failed": (_order_for_refund, _refund_updated),
    "charge.refund.updated": (_order_for_refund, _refund_updated),
    # Stripe's Checkout page (stripe_checkout.py): paid, a bank debit's outcome days later, or
    # left to expire.
    "checkout.session.completed": (_order_for_session, _session_changed),
    "checkout.session.async_payment_succeeded": (_order_for_session, _session_changed),
    "checkout.session.async_payment_failed": (_order_for_session, _session_changed),
    "checkout.session.expired": (_order_for_session, _session_changed),
}


# The one list of the events the shop handles: `flask stripe webhooks` subscribes the
# platform's endpoint to exactly these, and the tests' endpoints too. A Connect endpoint of the
# shop's own gets its makers' accounts' events: CONNECT_EVENTS.
EVENTS = tuple(sorted(HANDLERS))
CONNECT_EVENTS = ("account.updated",)


# How far a signature's timestamp may be from now, either way. The stripe library refuses only
# old ones; a timestamp from the future would let a captured delivery be replayed until then.
SIGNATURE_TOLERANCE_SECONDS = 300


def verified_event(payload, header, secret):
    """The event Stripe signed, or ValueError/SignatureVerificationError."""
    event = stripe.Webhook.construct_event(payload, header, secret,
                                           tolerance=SIGNATURE_TOLERANCE_SECONDS)
    # construct_event has checked the header, so its t= element is there and an integer.
    signed_at = int(next(item[2:] for item in header.split(",") if item.startswith("t=")))
    if signed_at > time.time() + SIGNATURE_TOLERANCE_SECONDS:
        raise stripe.SignatureVerificationError("Timestamp in the future", header, payload)
    return event


@bp.post("/webhooks/stripe")
@csrf.exempt  # Stripe signs instead
def stripe_webhook():
    event = None
    # The platform's endpoint, or a Connect endpoint of its own (the makers' accounts' events).
    secrets = [current_app.config["STRIPE_WEBHOOK_SECRET"],
               current_app.config.get("STRIPE_CONNECT_WEBHOOK_SECRET")]
    for secret in filter(None, secrets):
        try:
            event = verified_event(request.get_data(), request.headers.get("Stripe-Signature"), secret)
            break
        except (ValueError, stripe.SignatureVerificationError):
            continue
    if event is None:
        return "Invalid payload or signature", 400
    if getattr(event, "api_version", None) != gateway.api_version():
        return not_in_our_version(event)
    if event.type == "account.updated":
        return maker_account_updated(event)
    if event.type not in HANDLERS:
        return "Not used", 200
    if db.session.get(StripeEvent, event.id):
        return "Already handled", 200
    find_order, handle = HANDLERS[event.type]
    order = find_order(event.data.object)
    if order is NOT_OURS:
        return "Not a shop order", 200
    if order is None:
        # The order may not be committed yet; a non-2xx answer makes Stripe try again later.
        log.warning("Webhook %s for an unknown order", event.id)
        return "Unknown order", 404
    with order_lease(order, wait=10) as held:
        if not held:
            return "Order busy, try again", 503
        if db.session.get(StripeEvent, event.id):
            return "Already handled", 200
        handle(order, event.data.object)
        db.session.add(StripeEvent(id=event.id, type=event.type, order_id=order.id))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # a twin delivery recorded it first
    return "OK", 200


def not_in_our_version(event):
    """An event rendered in another API version than the shop speaks (the endpoint was made at
    another version, or the shop's moved): its objects may have other shapes, so it is not read
    at all. It is acknowledged, or Stripe would retry it for days, logged, and kept: the admin's
    orders page counts such events until the endpoint's version is the shop's."""
    log.warning("Webhook %s (%s) is in Stripe API version %s, not the shop's %s: not acted on. "
                "Set the webhook endpoint's API version to the shop's (docs/production.md).",
                event.id, event.type, getattr(event, "api_version", None), gateway.api_version())
    if db.session.get(StripeEvent, event.id) is None:
        db.session.add(StripeEvent(id=event.id, type=event.type,
                                   ignored_api_version=str(getattr(event, "api_version", None))))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    return "Not in the shop's Stripe API version: not acted on", 200


def ignored_events():
    """How many events came in another API version than the shop's, and the versions."""
    rows = db.session.execute(
        db.select(StripeEvent.ignored_api_version, db.func.count())
        .where(StripeEvent.ignored_api_version.is_not(None))
        .group_by(StripeEvent.ignored_api_version)).all()
    return {version: count for version, count in rows}


def maker_account_updated(event):
    """A maker's connected account changed: keep their status as Stripe has it now, not as the
    event carries it (events come out of order, and an older one would undo a newer: a maker
    enabled, then shown disabled again, their transfers left waiting), and pay what waited for
    it. The event id is kept all the same."""
    if db.session.get(StripeEvent, event.id):
        return "Already handled", 200
    account_id = event.data.object.id
    if connect.maker_of(account_id) is None:
        return "Not one of our makers", 200
    db.session.commit()  # no transaction open while Stripe answers
    try:
        account = gateway.account(account_id)
    except stripe.StripeError as error:
        log.warning("Webhook %s: account %s could not be read from Stripe (%s)", event.id,
                    account_id, error)
        return "Stripe did not answer; send it again", 503
    connect.account_updated(account)
    db.session.add(StripeEvent(id=event.id, type=event.type))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return "OK", 200
