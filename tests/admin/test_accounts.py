"""storefront/admin/accounts.py: hashed passwords, and a lock against guessing."""
from datetime import timedelta

import pytest

from storefront.admin import accounts
from storefront.models import AdminUser, utcnow
from storefront.web.extensions import db
from tests.admin.helpers import EMAIL, PASSWORD


@pytest.fixture
def ctx(app, admin):
    with app.app_context():
        yield db.session.get(AdminUser, admin)


def test_passwords_are_stored_hashed(ctx):
    assert PASSWORD not in ctx.password_hash
    assert ctx.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert accounts.authenticate(EMAIL.upper(), PASSWORD).id == ctx.id


def test_accounts_are_checked_when_created(ctx):
    with pytest.raises(accounts.AccountError, match="already an admin"):
        accounts.create_admin("Owner@Example.com", PASSWORD)
    with pytest.raises(accounts.AccountError, match="at least 12"):
        accounts.create_admin("other@example.com", "short")
    with pytest.raises(accounts.AccountError, match="Not an email"):
        accounts.create_admin("not-an-email", PASSWORD)


def test_unknown_email_and_wrong_password_read_the_same(ctx):
    with pytest.raises(accounts.SignInRefused) as unknown:
        accounts.authenticate("nobody@example.com", PASSWORD)
    with pytest.raises(accounts.SignInRefused) as wrong:
        accounts.authenticate(EMAIL, "wrong password")
    assert str(unknown.value) == str(wrong.value) == accounts.WRONG


def test_repeated_wrong_passwords_lock_the_account_for_longer_each_time(ctx):
    for _ in range(accounts.FREE_FAILURES - 1):
        with pytest.raises(accounts.SignInRefused, match="do not match"):
            accounts.authenticate(EMAIL, "guess")
    assert ctx.locked_until is None
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate(EMAIL, "guess")
    first_lock = ctx.locked_until - utcnow()
    assert timedelta(seconds=50) < first_lock <= accounts.FIRST_LOCK
    # Locked: even the right password is refused, with the answer an unknown email gets.
    with pytest.raises(accounts.SignInRefused) as locked:
        accounts.authenticate(EMAIL, PASSWORD)
    assert str(locked.value) == accounts.WRONG

    ctx.locked_until = utcnow() - timedelta(seconds=1)  # the lock ran out
    db.session.commit()
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate(EMAIL, "guess again")
    assert ctx.locked_until - utcnow() > first_lock  # doubled

    ctx.failed_logins, ctx.locked_until = 1000, None
    db.session.commit()
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate(EMAIL, "guess")
    assert ctx.locked_until - utcnow() <= accounts.MAX_LOCK


def test_a_right_password_clears_the_count(ctx):
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate(EMAIL, "guess")
    assert ctx.failed_logins == 1
    accounts.authenticate(EMAIL, PASSWORD)
    assert (ctx.failed_logins, ctx.locked_until) == (0, None)
    assert ctx.last_login_at is not None
