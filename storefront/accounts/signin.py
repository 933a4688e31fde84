"""Signing in without a password: a one-time link emailed to the address.

Asking for a link does the same work for every address, whether or not it has an account (the
account is made when a link is first used): normalise the address, count its recent links,
record a new one with its email queued in the same commit, and answer. Nothing in the answer, or
in what the request does before answering, depends on the account. The email goes through the
outbox (orders/outbox.py) after the response, and again by `flask mail send` while it is due.

A link is its row's random key signed with SECRET_KEY (orders/links.py): refused when the
signature fails, when it is older than SIGN_IN_MINUTES, and once used. Using one is a conditional
UPDATE, so two tabs following the same link sign in once. Links are counted per address
(SIGN_IN_LINKS_PER_HOUR, here, in the database every instance shares) and per client
(RATELIMIT_SIGN_IN, web/limits.py): neither an inbox nor the mail server can be flooded.
"""
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError

from storefront.models import Account, SignInLink, utcnow
from storefront.orders import links, outbox
from storefront.web.extensions import db


class TooMany(Exception):
    """This address was sent as many links as an hour allows."""


def normalised(email):
    """The address as accounts keep it, or ValueError saying why it is not one."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValueError(str(error)) from None


def request_link(email):
    """Record a sign-in link for `email` (normalised) and send it after the response; TooMany
    when the address has had its hour's worth."""
    now = utcnow()
    recent = db.session.scalar(db.select(func.count(SignInLink.id)).where(
        SignInLink.email == email, SignInLink.created_at > now - timedelta(hours=1)))
    if recent >= current_app.config["SIGN_IN_LINKS_PER_HOUR"]:
        raise TooMany()
    link = SignInLink(email=email, created_at=now,
                      expires_at=now + timedelta(minutes=links.SIGN_IN_MINUTES),
                      **outbox.SIGN_IN.queued(now))
    db.session.add(link)
    db.session.commit()
    outbox.send_soon(link, outbox.SIGN_IN)
    return link


def usable(token):
    """The link `token` names, if it may still sign someone in (not used, not expired), without
    using it: the page that asks "sign in as …?" shows this."""
    key = links.sign_in_key(token)
    if key is None:
        return None
    return db.session.scalar(db.select(SignInLink).where(
        SignInLink.key == key, SignInLink.used_at.is_(None), SignInLink.expires_at > utcnow()))


def use(token):
    """Use the link: its address's account (made now if it has none), or None when the link is
    forged, expired or used already. Every other unused link to the address is used up too: an
    older email cannot sign anyone in later."""
    key = links.sign_in_key(token)
    if key is None:
        return None
    now = utcnow()
    link = db.session.scalar(db.select(SignInLink).where(SignInLink.key == key))
    if link is None:
        return None
    claimed = db.session.execute(
        update(SignInLink)
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None), SignInLink.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount == 1
    if not claimed:
        db.session.rollback()
        return None
    db.session.execute(
        update(SignInLink).where(SignInLink.email == link.email, SignInLink.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    account = _account_for(link.email, now)
    account.last_sign_in_at = now
    db.session.commit()
    return account


def _account_for(email, now):
    account = db.session.scalar(db.select(Account).where(Account.email == email))
    if account is not None:
        return account
    try:
        with db.session.begin_nested():  # another request may make it at the same moment
            account = Account(email=email, created_at=now)
            db.session.add(account)
    except IntegrityError:
        account = db.session.scalar(db.select(Account).where(Account.email == email))
    return account
