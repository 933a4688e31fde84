"""Balances: what the platform and each connected account hold, from their balance transactions.

Every movement of money is one balance transaction (balance_transactions.py), owned by the
platform or by a connected account, `pending` until its `available_on` and then `available`. A
balance is their `net` summed per currency and status, so charges, refunds, fees, transfers and
reversals all show up in `GET /v1/balance`.
"""
from ..machinery.store import new_id
from . import balance_transactions
from .balance_transactions import owner

# A charge without a balance transaction (not captured) is taken to settle as a card does.
CHARGE_PENDING_SECONDS = 2 * 86_400


def transactions_of(store, account):
    """`account`'s balance transactions, newest first (None: the platform's)."""
    return [transaction for transaction in store.newest_first("balance_transaction")
            if owner(store, transaction) == account]


def amounts(store, account, currency):
    """(available, pending) of `account` in `currency`."""
    available = pending = 0
    for transaction in transactions_of(store, account):
        if transaction["currency"] == currency:
            if transaction["status"] == "available":
                available += transaction["net"]
            else:
                pending += transaction["net"]
    return available, pending


def available_on(store, charge):
    """When a charge's funds become available: when its balance transaction does."""
    transaction = store.find(charge.get("balance_transaction") or "")
    if transaction is not None:
        return transaction["available_on"]
    return charge["created"] + CHARGE_PENDING_SECONDS


def retrieve(call, params):
    """The Balance of the platform, or of the connected account named by Stripe-Account."""
    currencies = []
    for transaction in reversed(transactions_of(call.store, call.account)):
        if transaction["currency"] not in currencies:
            currencies.append(transaction["currency"])
    available, pending = [], []
    for currency in currencies or ["usd"]:
        now, later = amounts(call.store, call.account, currency)
        available.append({"amount": now, "currency": currency, "source_types": {"card": now}})
        pending.append({"amount": later, "currency": currency, "source_types": {"card": later}})
    balance = {"object": "balance", "available": available, "livemode": False,
               "pending": pending}
    if call.account is None:
        balance["connect_reserved"] = [{"amount": 0, "currency": entry["currency"]}
                                       for entry in available]
    return balance


def move(call, account, *, kind, source, amount, currency, available_on=None,
         description=None):
    """Record money moving into (amount > 0) or out of `account`'s balance, available at
    `available_on` or now, whichever is later."""
    if available_on is not None:
        available_on = max(available_on, call.store.now())
    return balance_transactions.record(call, kind=kind, source=source, amount=amount,
                                       currency=currency, available_on=available_on,
                                       description=description, account=account)


def add_funds(call, account, amount, currency):
    """Test mode's "Add to balance": available funds at once, as a top-up."""
    return move(call, account, kind="topup", source=new_id("tu"), amount=amount,
                currency=currency, description="Funds added by the local Stripe")


def pay_out(call, account, amount, currency):
    """A payout to the bank: available funds leave the balance; None when there are too few."""
    if amounts(call.store, account, currency)[0] < amount:
        return None
    return move(call, account, kind="payout", source=new_id("po"), amount=-amount,
                currency=currency, description="STRIPE PAYOUT")
