"""Each account's one Stripe Customer, made the first time something needs it (saving a way of
paying), never before: a customer who only looks at their orders costs Stripe nothing.

The Customer is asked for with a key derived from the account (gateway.customer_key), so two
requests that both find none, or a retry after a lost answer, get the same Customer; its id is
then kept on the account row. No transaction is open while Stripe answers. The account page
lists what is saved to it (saved_methods).
"""
from dataclasses import dataclass

import stripe
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


def saved_methods(account):
    """The account's saved cards and bank accounts, as Stripe has them now ([] without a
    Customer: nothing was ever saved); None when Stripe could not be asked."""
    if not account.stripe_customer_id:
        return []
    customer_id = account.stripe_customer_id
    db.session.commit()  # nothing of ours stays open across the call
    try:
        found = gateway.saved_methods(customer_id)
    except stripe.StripeError:
        return None
    return [_named(method) for method in found if method.type in ("card", "us_bank_account")]


def _named(method):
    if method.type == "card":
        card = method.card
        return Saved("card", card.brand, card.last4, f"{card.exp_month:02d}/{card.exp_year}")
    bank = method.us_bank_account
    return Saved("us_bank_account", bank.bank_name or "Bank account", bank.last4)
