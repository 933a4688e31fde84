"""US bank accounts (`us_bank_account` PaymentMethods) and Stripe's ACH test accounts.

Stripe's ACH testing docs: routing number 110000000 with the account numbers below; each
decides what happens to a debit days after it starts. Accounts linked through the bank dialog
(instant verification, Financial Connections) are verified at once; accounts typed in by hand
need microdeposits first (see bank/bank_debits.py).
"""
import hashlib
from dataclasses import dataclass

from ..machinery.errors import invalid_param, missing_param
from ..machinery.store import new_id

TEST_ROUTING_NUMBER = "110000000"
BANK_NAME = "STRIPE TEST BANK"


@dataclass(frozen=True)
class Debit:
    """What the bank does with a debit from this account."""
    outcome: str                 # "succeeded", "failed", "disputed", "processing" (forever)
    code: str = None             # failure_code of the charge / last_payment_error
    message: str = None
    microdeposits_fail: bool = False


SUCCEEDS = Debit("succeeded")
# Messages are those of Stripe's error-code reference for each code.
ACCOUNTS = {
    "000123456789": SUCCEEDS,
    "000111111113": Debit("failed", "account_closed",
                          "The customer's bank account has been closed."),
    "000111111116": Debit("failed", "no_account", "The bank account could not be located."),
    "000222222227": Debit("failed", "insufficient_funds",
                          "The customer's account has insufficient funds to cover this payment."),
    "000333333335": Debit("failed", "debit_not_authorized",
                          "The customer has notified their bank that this payment was "
                          "unauthorized."),
    "000555555559": Debit("disputed"),
    "000000000009": Debit("processing"),
    "000666666661": Debit("failed", "payment_method_microdeposit_failed",
                          "Microdeposits were failed to be deposited into the customer's bank "
                          "account. Please check the account, institution and transit numbers as "
                          "well as the currency type.", microdeposits_fail=True),
}
# Failures after which the bank will not take another debit: the mandate becomes inactive.
MANDATE_ENDING_CODES = ("account_closed", "no_account", "debit_not_authorized")

# The test bank of the instant-verification dialog: its accounts use the numbers above, so a
# linked account behaves as the same number typed in by hand.
INSTANT_ACCOUNTS = {
    "success": ("Success", "checking", "000123456789"),
    "insufficient_funds": ("Insufficient funds", "checking", "000222222227"),
    "account_closed": ("Account closed", "checking", "000111111113"),
    "dispute": ("Disputed", "checking", "000555555559"),
    "processing": ("Stays processing", "savings", "000000000009"),
}
INSTITUTION = "Test Institution"

US_BANK_ACCOUNT = {"routing_number": None, "account_number": None, "account_holder_type": None,
                   "account_type": None, "financial_connections_account": None}


def debit_for(account_number):
    """Any other number is a working account, as on Stripe."""
    return ACCOUNTS.get(account_number, SUCCEEDS)


def _routing_checksum_ok(routing):
    digits = [int(digit) for digit in routing]
    weights = [3, 7, 1] * 3
    return sum(d * w for d, w in zip(digits, weights)) % 10 == 0


def validate(params):
    """(account number, routing number) from `us_bank_account[...]`, checked as Stripe checks."""
    routing = params.string("routing_number")
    account = params.string("account_number")
    if routing is None:
        raise missing_param(params.path("routing_number"))
    if account is None:
        raise missing_param(params.path("account_number"))
    if not (routing.isdigit() and len(routing) == 9 and _routing_checksum_ok(routing)):
        raise invalid_param("The bank routing number provided is invalid.",
                            param=params.path("routing_number"), code="routing_number_invalid")
    if not (account.isdigit() and 4 <= len(account) <= 17):
        raise invalid_param("The bank account number provided is invalid (e.g., missing digits).",
                            param=params.path("account_number"), code="account_number_invalid")
    return account, routing


def details(account, routing, holder_type, account_type, financial_connections_account=None):
    """The PaymentMethod's `us_bank_account` hash (never the full account number)."""
    return {
        "account_holder_type": holder_type or "individual",
        "account_type": account_type or "checking",
        "bank_name": BANK_NAME,
        "financial_connections_account": financial_connections_account,
        "fingerprint": hashlib.sha256(f"{routing}:{account}".encode()).hexdigest()[:16],
        "last4": account[-4:],
        "networks": {"preferred": "ach", "supported": ["ach"]},
        "routing_number": routing,
        "status_details": {},
    }


def from_params(params):
    """(us_bank_account hash, private facts) for `payment_method_data[us_bank_account]`."""
    bank = params.hash("us_bank_account")
    holder_type = bank.choice("account_holder_type", ["individual", "company"])
    account_type = bank.choice("account_type", ["checking", "savings"])
    account, routing = validate(bank)
    return details(account, routing, holder_type, account_type), \
        {"account_number": account, "verified": False}


def linked(instant_key):
    """(us_bank_account hash, private facts) for an account linked in the bank dialog."""
    if instant_key not in INSTANT_ACCOUNTS:
        raise invalid_param(f"No such test bank account: '{instant_key}'", param="account")
    _, account_type, account = INSTANT_ACCOUNTS[instant_key]
    return details(account, TEST_ROUTING_NUMBER, "individual", account_type,
                   financial_connections_account=new_id("fca")), \
        {"account_number": account, "verified": True}


def check_billing(billing):
    """Stripe needs the account holder's name on an ACH Direct Debit PaymentMethod."""
    if not billing.string("name"):
        raise missing_param(billing.path("name"))
