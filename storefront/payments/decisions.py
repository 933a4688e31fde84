"""The payment decision: what Stripe's answer means for the order and for the customer's browser.

One function, `decide(order, answer)`, maps a PaymentIntent (or a Stripe call that gave none
back, classified by gateway) to the order's transition and the browser's next step.
The pay views, the webhooks and reconcile all go through it (via settlement.settle). Pure: no
Flask, no database, no Stripe library.
"""
from dataclasses import dataclass, replace

from storefront.catalog import methods

STRIPE_UNAVAILABLE = (
    "We could not reach our payment provider. You have not been charged twice: "
    "please press Pay again in a moment."
)
STRIPE_FAILED = (
    "Our payment provider could not take the payment, and you have not been charged. "
    "Please press Pay again."
)
CARD_UNUSABLE = "This card could not be used. Please try another card."
CANCELED = "This payment was canceled."
CHECKOUT_EXPIRED = "The payment page expired before the order was paid."
PAID = ("paid", "partially_refunded", "refunded")
# Compatibility for the style guide and its tests, which show the card's decline messages.
DECLINE_MESSAGES = methods.CARD.messages


@dataclass(frozen=True)
class Failure:
    """A Stripe call that gave no PaymentIntent back, as gateway classifies it:
    "uncertain" (Stripe may have acted: ask again with the same key), "failed" (Stripe's own
    failure, saved for the key: nothing happened) or "refused" (the request itself was refused)."""

    kind: str
    detail: str = ""


@dataclass(frozen=True)
class Decision:
    order_status: str | None  # the order's transition; None: the order stays as it is
    # The browser's next step: "receipt", "authenticate" (3-D Secure), "verify" (microdeposits),
    # "collect" (the bank details, in Stripe's dialog), "retry" (with a message), "unavailable".
    next: str
    attempt_outcome: str | None = None  # what the attempt became; None: not known yet
    client_secret: str | None = None
    verify_url: str | None = None  # Stripe's hosted page for verifying microdeposits
    message: str | None = None
    adopt: bool = False  # the intent becomes the order's current one
    flag: str | None = None  # why a merchant should look at the order; nothing else changes
    refund: bool = False  # a second payment for a paid order: give it back


def decide(order, answer):
    """The one decision: `answer` is a PaymentIntent or a Failure."""
    if isinstance(answer, Failure):
        if answer.kind == "uncertain":  # the attempt stays open; the next request asks again
            return Decision(None, "unavailable", message=STRIPE_UNAVAILABLE)
        message = STRIPE_FAILED if answer.kind == "failed" else CARD_UNUSABLE
        return Decision(None, "retry", "error", message=message)
    intent, method = answer, methods.for_intent(answer)
    current = order.payment_intent_id in (None, intent.id)
    succeeded = intent.status == "succeeded"
    if succeeded and order.status in PAID and not current:
        # Money taken twice for one order (whoever took it): give the second payment back.
        return replace(standing(order), refund=True, flag=None if ours(order, intent) else
                       f"A second payment {intent.id} was taken for this order and refunded.")
    if not ours(order, intent):
        return replace(standing(order), flag=f"Stripe reported {intent.id} {intent.status}, "
                       "which is not one of this order's payments; it was not applied.")
    if succeeded:
        if (intent.amount, intent.currency) != (order.total, order.currency.lower()):
            return replace(standing(order), flag=f"Stripe reported {intent.id} succeeded for "
                           f"{intent.amount} {intent.currency.upper()}, but the order is for "
                           f"{order.total} {order.currency}; it was not applied.")
        return Decision("paid", "receipt", "succeeded", adopt=True)
    if not current:  # an earlier attempt's intent: the current one speaks for the order
        return standing(order)
    if intent.status in ("processing", "requires_capture"):
        return Decision("processing", "receipt", "processing", adopt=True)
    if intent.status in ("requires_action", "requires_confirmation"):
        microdeposits = getattr(intent.next_action, "verify_with_microdeposits", None)
        return Decision("requires_action", method.action, "requires_action",
                        client_secret=intent.client_secret, adopt=True,
                        verify_url=getattr(microdeposits, "hosted_verification_url", None))
    if intent.status == "canceled":
        return Decision("canceled", "retry", "canceled", message=CANCELED, adopt=True)
    # requires_payment_method: nothing tried yet on a browser-confirmed intent, or a decline
    # (3-D Secure failed, a bank's refusal days later): another card or account may be tried.
    error = intent.last_payment_error
    if error is None and method.confirmed_by == "browser":
        return Decision("pending", "collect", "created", client_secret=intent.client_secret,
                        adopt=True)
    return Decision("failed", "retry", "declined", message=decline_message(error, method),
                    adopt=True)


def standing(order):
    """What the order already knows, for a repeated request or a report it does not apply."""
    if order.status in PAID or order.status == "processing":
        return Decision(None, "receipt")
    if order.status == "canceled":
        return Decision(None, "retry", message=order.last_error or CANCELED)
    return Decision(None, "retry", message=order.last_error or methods.CARD.fallback_message)


def ours(order, intent):
    """Whether `intent` is one of the order's attempts: its id is on record, or an attempt whose
    answer was lost sent the very PaymentMethod it carries (or, sending none, is for its method:
    a bank account is collected after the intent is made)."""
    # A declined intent no longer carries its PaymentMethod: its last error does.
    payment_method = getattr(intent, "payment_method", None) or getattr(
        getattr(intent, "last_payment_error", None), "payment_method", None)
    payment_method = getattr(payment_method, "id", payment_method)
    method = methods.for_intent(intent).name
    return intent.id == order.payment_intent_id or any(
        attempt.payment_intent_id == intent.id
        or (attempt.payment_intent_id is None and (
            (payment_method and attempt.payment_method == payment_method)
            or (not attempt.payment_method and getattr(attempt, "method", "card") == method)))
        for attempt in order.attempts
    )


def decline_message(error, method=methods.CARD):
    """A person-readable message for the error object of a decline (last_payment_error)."""
    for code in (getattr(error, "decline_code", None), getattr(error, "code", None)):
        if code in method.messages:
            return method.messages[code]
    return method.fallback_message
