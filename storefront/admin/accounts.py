"""Admin accounts: created from the command line, signed in with a password, slowed against
guessing.

After FREE_FAILURES wrong passwords in a row an account refuses every sign-in, the right password
too, for a while that doubles with each further failure, up to MAX_LOCK. The count lives in the
database, so every app instance sees the same one. The price: someone who knows an admin's email
can keep that admin out for up to MAX_LOCK at a time. The other half is a limit per client
address on the login form, whatever the account (RATELIMIT_LOGIN, storefront/limits.py).
"""
from datetime import timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import update
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import AdminUser, utcnow

MIN_PASSWORD_LENGTH = 12
FREE_FAILURES = 5
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)
WRONG = "That email and password do not match an admin account."


class AccountError(ValueError):
    """The account cannot be created; str() says why."""


class SignInRefused(Exception):
    """str() is the message for the person signing in."""


def create_admin(email, password):
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(f"Not an email address: {error}") from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")
    if find(email) is not None:
        raise AccountError(f"There is already an admin with the email {email}.")
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
    if admin is None:
        # The same work as a real check, so the answer's timing does not tell which emails exist.
        check_password_hash(_decoy_hash(), password)
        raise SignInRefused(WRONG)
    now = utcnow()
    if admin.locked_until is not None and admin.locked_until > now:
        minutes = -(-(admin.locked_until - now) // timedelta(minutes=1))
        raise SignInRefused(f"Too many wrong passwords. Try again in {minutes} minute"
                            f"{'s' if minutes > 1 else ''}.")
    if not admin.check_password(password):
        _count_failure(admin, now)
        raise SignInRefused(WRONG)
    admin.failed_logins, admin.locked_until, admin.last_login_at = 0, None, now
    db.session.commit()
    return admin


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
