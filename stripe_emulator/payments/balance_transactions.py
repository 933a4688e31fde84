"""Balance transactions: how each charge, refund, failed debit and dispute moves the balance.

One per money movement, as Stripe records them: a card charge (`charge`, fee 2.9 % + 30¢) when
it is captured; a bank debit (`payment`, fee 0.8 % capped at $5) when it starts processing;
a refund (`refund` / `payment_refund`, negative, no fee returned); a bank debit that failed
(`payment_failure_refund`); a dispute (`adjustment`). Each is `pending` until `available_on`,
when the emulator's clock makes it `available`.
"""
from ..machinery.errors import not_found
from ..machinery.store import new_id, page
from . import fees

LIST_PARAMS = {"source": None, "type": None, "currency": None, "created": None,
               "payout": None, "limit": None, "starting_after": None, "ending_before": None}

REPORTING_CATEGORY = {"charge": "charge", "payment": "charge", "refund": "refund",
                      "payment_refund": "refund", "payment_failure_refund": "charge_failure",
                      "refund_failure": "refund_failure",
                      "adjustment": "dispute", "transfer": "transfer",
                      "transfer_refund": "transfer_reversal", "topup": "topup",
                      "payout": "payout"}


def record(call, *, kind, source, amount, currency, fee_details=(), available_on=None,
           description=None, account=None):
    """Add one balance transaction; it becomes available when the clock reaches `available_on`
    (default: now). `account`: the connected account whose balance it moves (None: the
    platform's)."""
    now = call.store.now()
    available_on = now if available_on is None else available_on
    fee = sum(detail["amount"] for detail in fee_details)
    transaction = call.store.add({
        "id": new_id("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": available_on,
        "balance_type": "payments",
        "created": now,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": [{"amount": detail["amount"], "application": None, "currency": currency,
                         "description": detail["description"], "type": "stripe_fee"}
                        for detail in fee_details],
        "net": amount - fee,
        "reporting_category": REPORTING_CATEGORY[kind],
        "source": source,
        "status": "available" if available_on <= now else "pending",
        "type": kind,
    }, account=account)
    if transaction["status"] == "pending":
        call.store.clock.at(available_on, lambda: transaction.update(status="available"))
    return transaction


def for_charge(call, charge, method_type, available_on=None):
    """The payment's balance transaction, fee by Stripe's US pricing for `method_type`."""
    amount = charge["amount_captured"] or charge["amount"]
    fee, description = fees.processing_fee(method_type, amount, charge["currency"])
    if available_on is None:
        available_on = fees.midnight_after(call.store.now(), fees.CARD_PAYOUT_BUSINESS_DAYS)
    transaction = record(
        call, kind="payment" if method_type == "us_bank_account" else "charge",
        source=charge["id"], amount=amount,
        currency=charge["currency"], available_on=available_on,
        description=charge["description"],
        fee_details=[{"amount": fee, "description": description}])
    charge["balance_transaction"] = transaction["id"]
    return transaction


def for_refund(call, refund, method_type):
    """A refund takes its amount back; Stripe does not return the original fee."""
    transaction = record(
        call, kind="payment_refund" if method_type == "us_bank_account" else "refund",
        source=refund["id"], amount=-refund["amount"], currency=refund["currency"],
        description="REFUND FOR PAYMENT" if method_type == "us_bank_account"
        else "REFUND FOR CHARGE")
    refund["balance_transaction"] = transaction["id"]
    return transaction


def for_failed_refund(call, refund):
    """A refund that failed (or was canceled) after it was made: its amount comes back."""
    transaction = record(call, kind="refund_failure", source=refund["id"],
                         amount=refund["amount"], currency=refund["currency"],
                         description="REFUND FAILURE")
    refund["failure_balance_transaction"] = transaction["id"]
    return transaction


def for_failed_debit(call, charge):
    """A bank debit returned by the bank: its amount leaves the balance again, the processing
    fee is given back, and Stripe's failed-payment fee is taken."""
    original = call.store.get("balance_transaction", charge["balance_transaction"])
    transaction = record(
        call, kind="payment_failure_refund", source=charge["id"], amount=-original["amount"],
        currency=charge["currency"], description="Payment failure refund",
        fee_details=[{"amount": -original["fee"], "description": "ACH Direct Debit fee returned"},
                     {"amount": fees.ACH_FAILURE_FEE_CENTS,
                      "description": "ACH Direct Debit failed payment fee"}])
    charge["failure_balance_transaction"] = transaction["id"]
    return transaction


def for_dispute(call, dispute):
    return record(
        call, kind="adjustment", source=dispute["id"], amount=-dispute["amount"],
        currency=dispute["currency"], description=f"Chargeback withdrawal for {dispute['charge']}",
        fee_details=[{"amount": fees.DISPUTE_FEE_CENTS, "description": "Dispute fee"}])


def owner(store, transaction):
    """The connected account a balance transaction belongs to; None: the platform."""
    return store.private[transaction["id"]].get("account")


def retrieve(call, transaction_id):
    """Only the caller's own: the platform's, or with Stripe-Account that account's."""
    transaction = call.store.get("balance_transaction", transaction_id)
    if owner(call.store, transaction) != call.account:
        raise not_found("balance_transaction", transaction_id)
    return transaction


def list_transactions(call, params):
    source, kind, code = params.string("source"), params.string("type"), params.string("currency")
    found = [transaction for transaction in call.store.newest_first("balance_transaction")
             if owner(call.store, transaction) == call.account
             and source in (None, transaction["source"]) and kind in (None, transaction["type"])
             and code in (None, transaction["currency"])]
    return page(found, params, "/v1/balance_transactions")
