"""The signed-in customer, in the shop's session cookie under a key of its own.

An admin's session is Flask-Login's (`_user_id`, storefront/admin/); a customer's is SESSION_KEY,
read only here. Neither is ever taken for the other: an admin is no customer until they sign in
by a link, and a customer is no admin whatever their address. The value names the account's
session_version, so raising it (signing out) ends every session of the account, copied cookies
included, as it does for admins.
"""
from flask import session
from sqlalchemy import update

from storefront.models import Account
from storefront.web.extensions import db
from storefront.web.routing import db_int

SESSION_KEY = "account"


def sign_in(account):
    session[SESSION_KEY] = f"{account.id}:{account.session_version}"


def signed_in():
    """Whether this browser says it is signed in, without asking the database: for the header,
    which every page shows. current() is the check that counts."""
    return SESSION_KEY in session


def current():
    """The signed-in account, or None (none, deleted since, or signed out everywhere since)."""
    value = session.get(SESSION_KEY)
    if not isinstance(value, str):
        return None
    account_id, _, version = value.partition(":")
    try:
        account = db.session.get(Account, db_int(account_id))
    except ValueError:
        return None
    if account is None or version != str(account.session_version):
        session.pop(SESSION_KEY, None)
        return None
    return account


def current_id():
    account = current()
    return account.id if account else None


def sign_out(account):
    """End every session of the account, on every device."""
    db.session.execute(update(Account).where(Account.id == account.id)
                       .values(session_version=Account.session_version + 1)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    session.pop(SESSION_KEY, None)


def forget():
    """This browser is signed in no more (its account is gone)."""
    session.pop(SESSION_KEY, None)
