"""Admin sessions end: logging out, a new password and disabling an admin end every session of
that admin, copied cookies included; and the login form does not tell which emails are admins'
(the same message, status and work for an unknown email, a wrong password, a locked and a
disabled account)."""
import re

import pytest
from werkzeug.security import check_password_hash

from storefront.admin import accounts
from storefront.models import AdminUser, utcnow
from storefront.web.extensions import db
from tests.admin.helpers import EMAIL, PASSWORD, csrf_token, log_in

NEW_PASSWORD = "a brand new passphrase"


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def can_download(client):
    return client.get("/admin/orders.csv").status_code == 200


def test_a_cookie_copied_before_logout_no_longer_downloads_the_orders(app, admin_client):
    thief = copy_of(app, admin_client)
    assert can_download(thief)
    token = csrf_token(admin_client.get("/admin/orders").get_data(as_text=True))
    admin_client.post("/admin/logout", data={"csrf_token": token})
    answer = thief.get("/admin/orders.csv")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/admin/login")


def test_logging_out_ends_the_admins_sessions_on_other_devices_too(app, client, admin):
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop), log_in(phone)
    token = csrf_token(laptop.get("/admin/orders").get_data(as_text=True))
    laptop.post("/admin/logout", data={"csrf_token": token})
    assert not can_download(phone)
    log_in(phone)  # signing in again works, with a new session
    assert can_download(phone)


def test_a_new_password_ends_every_session(app, admin_client):
    thief = copy_of(app, admin_client)
    result = app.test_cli_runner().invoke(
        args=["admin", "password", "--email", EMAIL, "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert not can_download(admin_client) and not can_download(thief)
    assert log_in(admin_client).status_code == 401  # the old password
    assert log_in(admin_client, password=NEW_PASSWORD).status_code == 302


def test_disabling_an_admin_ends_every_session_and_refuses_sign_in(app, admin_client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["admin", "disable", "--email", EMAIL]).exit_code == 0
    assert not can_download(admin_client)
    refused = log_in(admin_client)
    assert refused.status_code == 401 and accounts.WRONG in refused.get_data(as_text=True)
    assert runner.invoke(args=["admin", "enable", "--email", EMAIL]).exit_code == 0
    assert log_in(admin_client).status_code == 302


def test_unknown_admins_are_refused_by_the_command_line(app):
    result = app.test_cli_runner().invoke(args=["admin", "disable", "--email", "nobody@example.com"])
    assert result.exit_code == 1 and "no admin with the email" in result.output


REFUSAL = re.compile(r'<p[^>]*role="alert"[^>]*>(.*?)</p>', re.S)


def refusal(response):
    return response.status_code, REFUSAL.search(response.get_data(as_text=True)).group(1).strip()


def lock(app, email):
    with app.app_context():
        admin = accounts.find(email)
        admin.failed_logins, admin.locked_until = accounts.FREE_FAILURES, utcnow() + accounts.MAX_LOCK
        db.session.commit()


def test_unknown_wrong_locked_and_disabled_read_the_same(app, client, admin):
    with app.app_context():
        accounts.create_admin("locked@example.com", PASSWORD)
        accounts.create_admin("gone@example.com", PASSWORD)
        accounts.disable("gone@example.com")
    lock(app, "locked@example.com")
    answers = {
        "unknown": refusal(log_in(client, email="nobody@example.com")),
        "wrong": refusal(log_in(client, password="not it at all")),
        "locked": refusal(log_in(client, email="locked@example.com")),  # the right password
        "disabled": refusal(log_in(client, email="gone@example.com")),
    }
    assert len(set(answers.values())) == 1, answers
    assert answers["unknown"][0] == 401


def test_unknown_wrong_and_locked_take_the_same_work(app, admin, monkeypatch):
    """Each answer costs one password hash of the same method and cost, so its timing does not
    tell which emails exist. Counted rather than timed: a busy machine cannot fail it."""
    with app.app_context():
        accounts.create_admin("locked@example.com", PASSWORD)
    lock(app, "locked@example.com")
    hashed = []

    def counting(pwhash, password):
        hashed.append(pwhash.split("$")[0])  # the method and its cost, e.g. "scrypt:32768:8:1"
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    work = {}
    for name, (email, password) in {"unknown": ("nobody@example.com", PASSWORD),
                                    "wrong": (EMAIL, "not it at all"),
                                    "locked": ("locked@example.com", PASSWORD)}.items():
        hashed.clear()
        with app.app_context(), pytest.raises(accounts.SignInRefused):
            accounts.authenticate(email, password)
        work[name] = list(hashed)
    with app.app_context():
        stored = db.session.scalar(db.select(AdminUser.password_hash).filter_by(email=EMAIL))
    method = stored.split("$")[0]
    assert work == {"unknown": [method], "wrong": [method], "locked": [method]}
