"""Card numbers: what Stripe checks when a PaymentMethod is created, and what each test card does.

Any other number that passes the Luhn check behaves like 4242 4242 4242 4242.
"""
import hashlib
from dataclasses import dataclass

from ..machinery.errors import StripeError


@dataclass(frozen=True)
class Decline:
    code: str
    decline_code: str
    message: str
    reason: str                      # charge.outcome.reason
    param: str = None
    outcome_type: str = "issuer_declined"
    network_status: str = "declined_by_network"
    risk_level: str = "normal"
    seller_message: str = None

    def error(self, **context):
        return StripeError(402, "card_error", self.message, code=self.code,
                           decline_code=self.decline_code, param=self.param, **context)

    def outcome(self):
        return {
            "network_status": self.network_status,
            "reason": self.reason,
            "risk_level": self.risk_level,
            "seller_message": self.seller_message
            or f"The bank returned the decline code `{self.decline_code}`.",
            "type": self.outcome_type,
        }


@dataclass(frozen=True)
class Behaviour:
    decline: Decline = None          # None: the issuer approves
    three_d_secure: bool = False     # a challenge comes before the authorisation
    # …except once the card was set up with it (a SetupIntent, or setup_future_usage): Stripe's
    # 4000002500003155 asks on setup and one-off payments, not on payments with the saved card.
    exempt_once_set_up: bool = False
    attachable: bool = None          # attach to a Customer succeeds (default: unless declined)
    funding: str = "credit"
    refund: str = None               # REFUND_FAILS_LATER, REFUND_PENDING; None: succeeds at once

    @property
    def attaches(self):
        return self.attachable if self.attachable is not None else self.decline is None


DECLINED = "Your card was declined."


def _declined(decline_code, message=DECLINED, **kwargs):
    kwargs.setdefault("reason", decline_code)
    return Decline("card_declined", decline_code, message, **kwargs)


def _issuer(code, message, **kwargs):
    return Decline(code, code, message, reason=code, **kwargs)


GENERIC_DECLINE = _declined(
    "generic_decline", seller_message="The bank did not return any further details with "
                                      "this decline.")
AUTHENTICATION_REQUIRED = Decline(
    "authentication_required", "authentication_required",
    "Your card was declined. This transaction requires authentication.",
    reason="authentication_required")

# Stripe's testing docs: a refund "begins as succeeded" and "some time later" fails
# (failure_reason expired_or_canceled_card), or begins as pending and later succeeds.
REFUND_FAILS_LATER = "fails_later"
REFUND_PENDING = "pending"

TEST_CARDS = {
    "4000000000005126": Behaviour(refund=REFUND_FAILS_LATER),
    "4000000000007726": Behaviour(refund=REFUND_PENDING),
    "4000056655665556": Behaviour(funding="debit"),
    "4000000000000002": Behaviour(GENERIC_DECLINE),
    "4000000000009995": Behaviour(_declined("insufficient_funds",
                                            "Your card has insufficient funds.")),
    "4000000000009987": Behaviour(_declined("lost_card")),
    "4000000000009979": Behaviour(_declined("stolen_card")),
    "4000000000006975": Behaviour(_declined(
        "card_velocity_exceeded", "Your card was declined for making repeated attempts too "
                                  "frequently or exceeding its amount limit.")),
    "4000000000000069": Behaviour(_issuer("expired_card", "Your card has expired.",
                                          param="exp_month")),
    "4000000000000127": Behaviour(_issuer("incorrect_cvc", "Your card's security code is "
                                                           "incorrect.", param="cvc")),
    "4000000000000119": Behaviour(_issuer(
        "processing_error", "An error occurred while processing your card. Try again in a "
                            "little bit.")),
    "4100000000000019": Behaviour(_declined(
        "fraudulent", reason="highest_risk_level", outcome_type="blocked",
        network_status="not_sent_to_network", risk_level="highest",
        seller_message="Stripe blocked this payment as too risky.")),
    "4000000000000341": Behaviour(GENERIC_DECLINE, attachable=True),
    "4000002500003155": Behaviour(three_d_secure=True, exempt_once_set_up=True),
    "4000002760003184": Behaviour(three_d_secure=True),
    "4000000000003220": Behaviour(three_d_secure=True),
    "4000008260003178": Behaviour(_declined("insufficient_funds",
                                            "Your card has insufficient funds."),
                                  three_d_secure=True, attachable=True),
}
APPROVED = Behaviour()

# Stripe's test PaymentMethods and tokens ("Testing" docs): each stands for a test card above,
# with any secret test key. Using a test PaymentMethod makes a new PaymentMethod of that card.
TEST_PAYMENT_METHODS = {
    "pm_card_visa": "4242424242424242",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_amex": "378282246310005",
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_threeDSecure2Required": "4000000000003220",
    "pm_card_authenticationRequired": "4000002760003184",
}
TEST_TOKENS = {
    "tok_visa": "4242424242424242",
    "tok_mastercard": "5555555555554444",
    "tok_chargeDeclined": "4000000000000002",
    "tok_chargeDeclinedInsufficientFunds": "4000000000009995",
}


def test_card(number, today):
    """`card[...]` for a test card number, as a test PaymentMethod or token carries it: expiring
    next year, with a CVC of the brand's length."""
    return {"number": number, "exp_month": "12", "exp_year": str(today.year + 1),
            "cvc": "1234" if brand(number) == "amex" else "123"}


def needs_challenge(number, set_up):
    """Does a payment or setup with this card ask for 3-D Secure? `set_up`: the card was
    authenticated when it was saved."""
    card = behaviour(number)
    return card.three_d_secure and not (card.exempt_once_set_up and set_up)


def behaviour(number):
    return TEST_CARDS.get(number, APPROVED)


def brand(number):
    prefix2, prefix4 = int(number[:2]), int(number[:4])
    if number[0] == "4":
        return "visa"
    if 51 <= prefix2 <= 55 or 2221 <= prefix4 <= 2720:
        return "mastercard"
    if prefix2 in (34, 37):
        return "amex"
    if number.startswith(("6011", "65")) or 644 <= int(number[:3]) <= 649:
        return "discover"
    if prefix2 in (36, 38, 39) or 300 <= int(number[:3]) <= 305:
        return "diners"
    if 3528 <= prefix4 <= 3589:
        return "jcb"
    if prefix2 == 62:
        return "unionpay"
    return "unknown"


def luhn_valid(number):
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card_error(code, message, param):
    return StripeError(402, "card_error", message, code=code, param=param, saved=False)


def validate(params, today):
    """Check `card[...]` as Stripe does on PaymentMethod creation, expiry against `today` (the
    emulator's clock); returns (number, card hash). `card[token]` (tok_visa…) stands for its
    test card."""
    token = params.string("token")
    if token is not None:
        if token not in TEST_TOKENS:
            raise StripeError(404, "invalid_request_error", f"No such token: '{token}'",
                              param=f"{params.prefix}[token]" if params.prefix else "token",
                              code="resource_missing", saved=False)
        params = type(params)(test_card(TEST_TOKENS[token], today), params.prefix)
    number = params.string("number", required=True).replace(" ", "")
    if not number.isdigit() or not 12 <= len(number) <= 19:
        raise _card_error("invalid_number", "Your card number is not a valid credit card "
                                            "number.", "number")
    if not luhn_valid(number):
        raise _card_error("incorrect_number", "Your card number is incorrect.", "number")
    exp_month = params.integer("exp_month", required=True)
    exp_year = params.integer("exp_year", required=True)
    if exp_year < 100:
        exp_year += 2000
    if not 1 <= exp_month <= 12:
        raise _card_error("invalid_expiry_month", "Your card's expiration month is invalid.",
                          "exp_month")
    if exp_year < today.year or exp_year > today.year + 50:
        raise _card_error("invalid_expiry_year", "Your card's expiration year is invalid.",
                          "exp_year")
    if (exp_year, exp_month) < (today.year, today.month):
        raise _card_error("invalid_expiry_month", "Your card's expiration month is invalid.",
                          "exp_month")
    card_brand = brand(number)
    cvc = params.string("cvc")
    if cvc is not None and not (cvc.isdigit() and len(cvc) == (4 if card_brand == "amex" else 3)):
        raise _card_error("invalid_cvc", "Your card's security code is invalid.", "cvc")
    card = {
        "brand": card_brand,
        "checks": {"address_line1_check": None, "address_postal_code_check": None,
                   "cvc_check": "unchecked" if cvc else None},
        "country": "US",
        "display_brand": card_brand,
        "exp_month": exp_month,
        "exp_year": exp_year,
        "fingerprint": hashlib.sha256(number.encode()).hexdigest()[:16],
        "funding": behaviour(number).funding,
        "generated_from": None,
        "last4": number[-4:],
        "networks": {"available": [card_brand], "preferred": None},
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    }
    return number, card
