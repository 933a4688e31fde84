"""The ways to pay, each declared once. Pure: no Flask, no database, no Stripe.

Adding a method is a declaration here, a template macro that places its fields
(templates/checkout/) and a JavaScript module that drives Stripe.js for it (static/js/).
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fee:
    """Stripe's fee for one payment: a rate in basis points plus a fixed part, with an optional
    cap, all in minor units of the currency."""

    basis_points: int
    fixed: int = 0
    cap: int | None = None

    def of(self, amount):
        fee = (amount * self.basis_points + 5_000) // 10_000 + self.fixed  # to the nearest unit
        return min(fee, self.cap) if self.cap is not None else fee


@dataclass(frozen=True)
class Method:
    name: str  # Stripe's payment method type, also the checkout form's value
    label: str
    # None: any currency Stripe takes; otherwise the only ones offered (lowercase ISO codes).
    currencies: frozenset | None
    # Who confirms the PaymentIntent: "server" (card: create-and-confirm with the browser's
    # PaymentMethod) or "browser" (bank: the server creates, Stripe.js collects and confirms).
    confirmed_by: str
    # What the browser does when Stripe answers requires_action: "authenticate" (3-D Secure)
    # or "verify" (microdeposits).
    action: str
    # Whether the money arrives days after the customer pays (the order waits in "processing").
    settles_later: bool
    fee: Fee
    # Business days between "processing" and the money, to tell the customer.
    settle_days: int = 0
    # Messages for the customer by Stripe's decline or error code.
    messages: dict = field(default_factory=dict)
    fallback_message: str = "Your payment did not go through. Please try again or use another card."

    def offered_for(self, currency):
        return self.currencies is None or currency.lower() in self.currencies


CARD = Method(
    name="card", label="Card", currencies=None, confirmed_by="server", action="authenticate",
    settles_later=False, fee=Fee(basis_points=290, fixed=30),
    messages={
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
    },
)

US_BANK_ACCOUNT = Method(
    name="us_bank_account", label="US bank account", currencies=frozenset({"usd"}),
    confirmed_by="browser", action="verify", settles_later=True, settle_days=4,
    fee=Fee(basis_points=80, cap=500),
    messages={
        "insufficient_funds": "Your bank account did not have enough funds for this payment. "
        "Pay by card, or try again later.",
        "account_closed": "That bank account is closed. Pay by card or use another account.",
        "no_account": "Your bank could not find that account. Check the numbers, or pay by card.",
        "debit_not_authorized": "Your bank refused the debit. Pay by card or use another account.",
        "payment_method_microdeposit_verification_attempts_exceeded":
            "The bank account could not be verified. Pay by card or use another account.",
        "payment_method_microdeposit_verification_timeout":
            "The bank account was not verified in time. Pay by card or use another account.",
    },
    fallback_message="The payment from your bank account did not go through. Pay by card, or "
    "try another account.",
)

METHODS = {method.name: method for method in (CARD, US_BANK_ACCOUNT)}


def for_intent(intent):
    """The method a PaymentIntent is for (the shop creates each intent for exactly one)."""
    types = getattr(intent, "payment_method_types", None) or ["card"]
    return METHODS.get(types[0], CARD)


def offered(currency):
    return [method for method in METHODS.values() if method.offered_for(currency)]
