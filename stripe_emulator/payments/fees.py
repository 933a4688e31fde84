"""Stripe's standard US fees, and when funds become available (pure: no store, no Flask).

Card 2.9 % + 30¢; ACH Direct Debit 0.8 % capped at $5.00 (Stripe's US pricing). Stripe keeps its
processing fee when a payment is refunded ("Stripe's processing fees from the original
transaction won't be returned"), so a refund's balance transaction carries no fee.

Currencies other than USD: the emulated account settles in the charge's own currency (no
conversion, no exchange rate, no cross-border surcharge). The percentage applies to the amount
in minor units; the fixed 30¢ becomes 30 minor units of any two-decimal currency, 30 units of a
zero-decimal one (¥30) and 300 of a three-decimal one. Real Stripe converts to the account's
currency instead; this keeps fees readable in tests without inventing exchange rates.
"""
import datetime

from .currencies import THREE_DECIMAL, ZERO_DECIMAL

CARD_PERCENT_TENTHS = 29        # 2.9 %
CARD_FIXED_CENTS = 30
ACH_PERCENT_TENTHS = 8          # 0.8 %
ACH_CAP_CENTS = 500
# Published in Stripe's US pricing beside the 0.8 %; not part of a charge's own fee.
ACH_FAILURE_FEE_CENTS = 400
DISPUTE_FEE_CENTS = 1500

CARD_PAYOUT_BUSINESS_DAYS = 2   # standard US payout timing for card funds
DAY = 86_400


def _percent(amount, tenths):
    """`tenths`/1000 of `amount`, rounded half up to a whole minor unit."""
    return (amount * tenths + 500) // 1000


def fixed_fee(code):
    if code in ZERO_DECIMAL:
        return CARD_FIXED_CENTS
    if code in THREE_DECIMAL:
        return CARD_FIXED_CENTS * 10
    return CARD_FIXED_CENTS


def processing_fee(method_type, amount, code):
    """(fee, description) Stripe takes for a successful payment of `amount` by `method_type`."""
    if method_type == "us_bank_account":
        return min(_percent(amount, ACH_PERCENT_TENTHS), ACH_CAP_CENTS), \
            "ACH Direct Debit processing fees"
    return _percent(amount, CARD_PERCENT_TENTHS) + fixed_fee(code), "Stripe processing fees"


def business_days_after(when, days):
    """The Unix time `days` business days (Monday to Friday; no holiday calendar) after `when`."""
    moment = datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
    while days > 0:
        moment += datetime.timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return int(moment.timestamp())


def midnight_after(when, business_days):
    """Stripe's `available_on`: midnight UTC of the business day the funds become available."""
    moment = datetime.datetime.fromtimestamp(business_days_after(when, business_days),
                                             datetime.timezone.utc)
    return int(datetime.datetime(moment.year, moment.month, moment.day,
                                 tzinfo=datetime.timezone.utc).timestamp())
