"""Each account's one Stripe Customer, made the first time something needs it (saving a way of
paying), never before: a customer who only looks at their orders costs Stripe nothing.

The Customer is asked for with a key derived from the account (gateway.customer_key), so two
requests that both find none, or a retry after a lost answer, get the same Customer; its id is
then kept on the account row. No transaction is open while Stripe answers. The account page
and the checkout list what is saved to it (saved_methods).

A saved method is charged only for its own customer (owns): the ids Stripe listed for the
signed-in account are kept in its session, so paying with one needs no second Stripe call; an id
not among them is asked of Stripe once more before it is refused.
"""
from dataclasses import dataclass, replace

import stripe
from flask import session
from sqlalchemy import update

from storefront.models import Account
from storefront.payments import gateway
from storefront.web.extensions import db


def stripe_customer_id(account):
    """The account's Stripe Customer id, made now if it has none (a Stripe error propagates)."""
    if account.stripe_customer_id:
        return account.stripe_customer_id
    db.session.commit()  # nothing of ours stays open across the call
    customer = gateway.create_customer(account)
    db.session.execute(
        update(Account).where(Account.id == account.id, Account.stripe_customer_id.is_(None))
        .values(stripe_customer_id=customer.id).execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(account)
    return account.stripe_customer_id


@dataclass(frozen=True)
class Saved:
    """A saved way of paying as the account page names it: never more than brand or bank and
    the last four."""
    kind: str  # "card" or "us_bank_account"
    name: str  # the card's brand (e.g. "visa") or the bank's name
    last4: str
    expires: str | None = None  # a card's "12/2034"
    id: str = ""  # the PaymentMethod's id: what the checkout posts, what the account page changes
    default: bool = False  # the Customer's default (invoice_settings.default_payment_method)

    @property
    def method(self):
        """The shop's way of paying it is (catalog.methods' name)."""
        return self.kind


SESSION_SAVED = "saved_methods"


def saved_methods(account):
    """The account's saved cards and bank accounts, as Stripe has them now, the default first
    ([] without a Customer: nothing was ever saved); None when Stripe could not be asked.
    Two calls: the list, and the Customer for its default."""
    if not account.stripe_customer_id:
        return []
    customer_id = account.stripe_customer_id
    db.session.commit()  # nothing of ours stays open across the call
    try:
        found = gateway.saved_methods(customer_id)
        default = gateway.default_method(customer_id) if found else None
    except stripe.StripeError:
        return None
    named = [replace(_named(method), id=method.id, default=method.id == default)
             for method in found if method.type in ("card", "us_bank_account")]
    _remember(account, {method.id: method.kind for method in named})
    return sorted(named, key=lambda method: not method.default)  # stable: newest next


def _remember(account, kinds):
    """Keep {PaymentMethod id: kind} of the account's saved methods in its session."""
    session[SESSION_SAVED] = {"account": account.public_id, "kinds": kinds}


def _kept(account):
    kept = session.get(SESSION_SAVED) or {}
    return kept.get("kinds", {}) if kept.get("account") == account.public_id else None


def forget(account, payment_method_id):
    """A method removed on the account page is no longer offered to pay with."""
    kinds = _kept(account)
    if kinds is not None:
        _remember(account, {id: kind for id, kind in kinds.items() if id != payment_method_id})


def owned_kind(account, payment_method_id):
    """The kind ("card", "us_bank_account") of the account's saved method `payment_method_id`,
    or None when it is not the account's: listed for it in this session, or by Stripe now (a
    method saved since the page was shown). A Stripe error propagates."""
    if account is None or not account.stripe_customer_id:
        return None
    kinds = _kept(account) or {}
    if payment_method_id not in kinds:
        customer_id = account.stripe_customer_id
        db.session.commit()  # nothing of ours stays open across the call
        kinds = {method.id: method.type for method in gateway.saved_methods(customer_id)
                 if method.type in ("card", "us_bank_account")}
        _remember(account, kinds)
    return kinds.get(payment_method_id)


def _named(method):
    if method.type == "card":
        card = method.card
        return Saved("card", card.brand, card.last4, f"{card.exp_month:02d}/{card.exp_year}")
    bank = method.us_bank_account
    return Saved("us_bank_account", bank.bank_name or "Bank account", bank.last4)


@dataclass(frozen=True)
class Waiting:
    """A bank account linked by microdeposits, waiting for the customer to verify them."""
    name: str
    last4: str
    client_secret: str  # for Stripe.js's verifyMicrodepositsForSetup, on the customer's own page
    verify_url: str | None  # Stripe's hosted verification page


def waiting(account):
    """The account's bank accounts waiting for their microdeposits ([] when none, or when
    Stripe could not be asked: the saved list says so already)."""
    if not account.stripe_customer_id:
        return []
    customer_id = account.stripe_customer_id
    db.session.commit()  # nothing of ours stays open across the call
    try:
        found = gateway.waiting_setups(customer_id)
    except stripe.StripeError:
        return []
    shown = []
    for intent in found:
        microdeposits = getattr(intent.next_action, "verify_with_microdeposits", None)
        bank = getattr(intent.payment_method, "us_bank_account", None)
        if microdeposits is None or bank is None:
            continue
        shown.append(Waiting(bank.bank_name or "Bank", bank.last4, intent.client_secret,
                             getattr(microdeposits, "hosted_verification_url", None)))
    return shown


def setup_key(account, token):
    # One add-a-method form, one SetupIntent: pressing again, or a retry, confirms the same one.
    return f"account-{account.public_id}-setup-{token}"


def start_setup(account, kind, token):
    """A SetupIntent saving a `kind` ("card", "us_bank_account") to the account's Customer
    (made now the first time); its client secret, for the browser to confirm."""
    customer_id = stripe_customer_id(account)
    db.session.commit()
    return gateway.create_setup(customer_id, kind, setup_key(account, token)).client_secret


def remove(account, payment_method_id):
    """Detach the account's saved method; False when it is not the account's."""
    if owned_kind(account, payment_method_id) is None:
        return False
    gateway.detach_method(payment_method_id)
    forget(account, payment_method_id)
    return True


def make_default(account, payment_method_id):
    """Make the account's saved method its Customer's default; False when it is not theirs."""
    if owned_kind(account, payment_method_id) is None:
        return False
    gateway.set_default_method(account.stripe_customer_id, payment_method_id)
    return True
