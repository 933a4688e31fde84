"""Each account's one Stripe Customer, made the first time something needs it (saving a way of
paying), never before: a customer who only looks at their orders costs Stripe nothing.

The Customer is asked for with a key derived from the account (gateway.customer_key), so two
requests that both find none, or a retry after a lost answer, get the same Customer; its id is
then kept on the account row. No transaction is open while Stripe answers.
"""
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
