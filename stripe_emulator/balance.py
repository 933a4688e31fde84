"""Balances: what the platform and each connected account hold, from their balance transactions.

Every movement of money is one `balance_transaction` in the store, owned by an account (private
`account`: None for the platform, `acct_…` for a connected account). It is `pending` until its
`available_on`, when the clock makes it `available`. A balance is their sum per currency and
status, so any module that records money through `record` (charges and refunds too) shows up in
`GET /v1/balance`.
"""
from .store import new_id

# Where a charge has no balance transaction of its own, its funds are taken to become available
# this long after it was created: Stripe's standard payout schedule for US cards (2 days).
CHARGE_PENDING_SECONDS = 2 * 86_400

# Stripe's reporting categories for the types recorded here.
_CATEGORIES = {"transfer": "transfer", "transfer_refund": "transfer_reversal",
               "payment": "charge", "payment_refund": "refund", "topup": "topup",
               "payout": "payout"}


def record(call, account, *, amount, currency, type, source, available_on=None,
           description=None):
    """A balance transaction of `account` (None: the platform), available at `available_on`
    (now when None or past)."""
    store = call.store
    now = store.now()
    available_on = max(available_on or now, now)
    transaction = store.add({
        "id": new_id("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": available_on,
        "balance_type": "payments",
        "created": now,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": 0,
        "fee_details": [],
        "net": amount,
        "reporting_category": _CATEGORIES.get(type, type),
        "source": source,
        "status": "available" if available_on <= now else "pending",
        "type": type,
    }, account=account)
    if transaction["status"] == "pending":
        store.clock.at(available_on, lambda: transaction.update(status="available"))
    return transaction


def owner(store, transaction):
    return store.private[transaction["id"]].get("account")


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
    """When a charge's funds become available: its balance transaction says, where it has one."""
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


def add_funds(call, account, amount, currency):
    """Test mode's "Add to balance": available funds at once, as a top-up."""
    return record(call, account, amount=amount, currency=currency, type="topup",
                  source=new_id("tu"), description="Funds added by the local Stripe")


def pay_out(call, account, amount, currency):
    """A payout to the bank: available funds leave the balance; None when there are too few."""
    if amounts(call.store, account, currency)[0] < amount:
        return None
    return record(call, account, amount=-amount, currency=currency, type="payout",
                  source=new_id("po"), description="STRIPE PAYOUT")
