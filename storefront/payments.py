"""What a PaymentIntent's status means for the order and for the customer's next step.

This is the one place that maps Stripe's statuses; the pay views and the webhook both use it.
"""
from dataclasses import dataclass

# Messages for the customer, by Stripe decline code or error code. Stripe's own messages are
# written for developers as often as for people, so the shop words its own.
DECLINE_MESSAGES = {
    "insufficient_funds": "Your card has insufficient funds. Try another card.",
    "expired_card": "Your card has expired. Check the expiry date or use another card.",
    "incorrect_cvc": "The security code (CVC) is incorrect. Check it and try again.",
    "incorrect_number": "The card number is incorrect. Check it and try again.",
    "invalid_expiry_month": "The expiry month is invalid.",
    "invalid_expiry_year": "The expiry year is invalid.",
    "lost_card": "Your card was declined. Please use another card.",
    "stolen_card": "Your card was declined. Please use another card.",
    "fraudulent": "Your card was declined. Please use another card.",
    "card_velocity_exceeded": "Your card was declined because of too many recent payments. "
    "Try again later or use another card.",
    "processing_error": "Your bank could not process the payment. Please try again.",
    "payment_intent_authentication_failure": "We couldn't verify the payment with your bank "
    "(3-D Secure). Try again, or use another card.",
    "generic_decline": "Your card was declined. Please use another card.",
    "card_declined": "Your card was declined. Please use another card.",
}
FALLBACK_DECLINE = "Your payment did not go through. Please try again or use another card."


@dataclass(frozen=True)
class NextStep:
    """What the order becomes, and what the browser does next."""

    order_status: str  # one of Order.STATUSES
    action: str  # "receipt" | "authenticate" | "retry" | "wait"
    client_secret: str | None = None
    message: str | None = None


def decline_message(error):
    """A person-readable message for the error object of a decline (last_payment_error)."""
    if not error:
        return FALLBACK_DECLINE
    for code in (getattr(error, "decline_code", None), getattr(error, "code", None)):
        if code in DECLINE_MESSAGES:
            return DECLINE_MESSAGES[code]
    return FALLBACK_DECLINE


def next_step(intent):
    status = intent.status
    if status == "succeeded":
        return NextStep("paid", "receipt")
    if status == "requires_action":
        return NextStep("requires_action", "authenticate", client_secret=intent.client_secret)
    if status == "requires_confirmation":
        # 3-D Secure done in the browser; the server confirms next.
        return NextStep("requires_action", "authenticate", client_secret=intent.client_secret)
    if status in ("processing", "requires_capture"):
        return NextStep("pending", "wait")
    if status == "canceled":
        return NextStep("canceled", "retry", message="This payment was canceled.")
    # requires_payment_method: declined, or 3-D Secure failed; the customer may try another card.
    return NextStep("failed", "retry", message=decline_message(intent.last_payment_error))
