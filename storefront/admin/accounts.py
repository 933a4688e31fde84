"""Admin accounts: created from the command line, signed in with a password, slowed against
guessing, and signed out everywhere at once.

After FREE_FAILURES wrong passwords in a row an account refuses every sign-in, the right password
too, for a while that doubles with each further failure, up to MAX_LOCK. The count lives in the
database, so every app instance sees the same one. The price: someone who knows an admin's email
can keep that admin out for up to MAX_LOCK at a time. The other half is a limit per client
address on the login form, whatever the account (RATELIMIT_LOGIN, storefront/web/limits.py).

An unknown email, a wrong password, a locked and a disabled account get the same answer, after
the same work (one password hash each), so the login form does not tell which emails are
admins'.

Sessions: each session cookie names the admin's session_version (AdminUser.get_id), checked on
every request (admin/__init__.py). Logging out, a new password and disabling the account raise
it, which ends every session of that admin, on every device, copied cookies included.
"""
from datetime import timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import update
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.models import AdminUser, utcnow
from storefront.web.extensions import db

MIN_PASSWORD_LENGTH = 12
FREE_FAILURES = 5
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)
WRONG = ("That email and password do not match an admin account, or the account is locked "
         "for a while after too many wrong passwords.")


class AccountError(ValueError):
    """The account cannot be created; str() says why."""


class SignInRefused(Exception):
    """str() is the message for the person signing in."""


def new_admin_email(email):
    """The address a new admin would sign in with, normalised, or AccountError saying why it
    cannot be one; checked before any password is asked for."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(f"Not an email address: {error}") from None
    if find(email) is not None:
        raise AccountError(f"There is already an admin with the email {email}.")
    return email


def create_admin(email, password):
    email = new_admin_email(email)
    _check_password(password)
    admin = AdminUser(email=email, failed_logins=0)
    admin.set_password(password)
    db.session.add(admin)
    db.session.commit()
    return admin


def find(email):
    return db.session.scalar(db.select(AdminUser).where(AdminUser.email == email.strip().lower()))


def authenticate(email, password):
    """The admin these credentials sign in, or SignInRefused."""
    admin = find(email)
    # One hash whatever the case, so the answer's timing does not tell which emails exist.
    matches = check_password_hash(admin.password_hash if admin else _decoy_hash(), password)
    now = utcnow()
    if admin is None or admin.disabled_at is not None:
        raise SignInRefused(WRONG)
    if admin.locked_until is not None and admin.locked_until > now:
        raise SignInRefused(WRONG)
    if not matches:
        _count_failure(admin, now)
        raise SignInRefused(WRONG)
    admin.failed_logins, admin.locked_until, admin.last_login_at = 0, None, now
    db.session.commit()
    return admin


def end_sessions(admin):
    """End every session this admin has, here and on any other device."""
    db.session.execute(
        update(AdminUser).where(AdminUser.id == admin.id)
        .values(session_version=AdminUser.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def change_password(email, password):
    admin = _existing(email)
    _check_password(password)
    admin.set_password(password)
    admin.failed_logins, admin.locked_until = 0, None
    end_sessions(admin)
    return admin


def disable(email):
    """The admin can no longer sign in, and every session of theirs ends now."""
    admin = _existing(email)
    admin.disabled_at = admin.disabled_at or utcnow()
    end_sessions(admin)
    return admin


def enable(email):
    admin = _existing(email)
    admin.disabled_at = None
    db.session.commit()
    return admin


def _existing(email):
    admin = find(email)
    if admin is None:
        raise AccountError(f"There is no admin with the email {email}.")
    return admin


def _check_password(password):
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")


def _count_failure(admin, now):
    # One atomic UPDATE, so failures sent at once from many places all count.
    db.session.execute(
        update(AdminUser).where(AdminUser.id == admin.id)
        .values(failed_logins=AdminUser.failed_logins + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    failures = admin.failed_logins  # re-read after the commit
    if failures >= FREE_FAILURES:
        doublings = min(failures - FREE_FAILURES, 10)  # MAX_LOCK long before 2**10
        lock = min(FIRST_LOCK * 2**doublings, MAX_LOCK)
        admin.locked_until = now + lock
        db.session.commit()


@cache
def _decoy_hash():
    return generate_password_hash("not anyone's password")
