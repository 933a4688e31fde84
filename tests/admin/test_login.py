"""Logging in and out of /admin: sessions, CSRF, where to go next, and slowing guesses."""
import pytest

from storefront.admin import accounts
from tests.admin.helpers import EMAIL, csrf_token, log_in


def test_logging_in_leads_to_the_orders(client, admin):
    response = log_in(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/orders"
    page = client.get("/admin/orders").get_data(as_text=True)
    assert EMAIL in page and "Log out" in page


def test_a_wrong_password_is_refused(client, admin):
    response = log_in(client, password="not the password")
    assert response.status_code == 401
    assert accounts.WRONG in response.get_data(as_text=True)
    assert client.get("/admin/orders").status_code == 302


def test_empty_fields_are_named(client, admin):
    response = log_in(client, email="", password="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter your email." in page and "Enter your password." in page


def test_login_goes_back_to_the_page_asked_for(client, admin):
    asked = client.get("/admin/orders?status=paid")
    assert asked.headers["Location"] == "/admin/login?next=/admin/orders?status%3Dpaid"
    response = log_in(client, next_page="/admin/orders?status%3Dpaid")
    assert response.headers["Location"] == "/admin/orders?status=paid"


@pytest.mark.parametrize("target", ["https://evil.example/admin", "//evil.example/admin",
                                    "/\\evil.example/admin", "/p/city-lights-poster", "javascript:alert(1)"])
def test_login_never_sends_anyone_off_the_admin(client, admin, target):
    response = log_in(client, next_page=target)
    assert response.headers["Location"] == "/admin/orders"


def test_login_needs_its_csrf_token(client, admin):
    response = client.post("/admin/login", data={"email": EMAIL, "password": "x" * 20})
    assert response.status_code == 400
    assert client.get("/admin/orders").status_code == 302


def test_logging_out_needs_a_post_with_csrf_and_ends_the_session(admin_client):
    assert admin_client.get("/admin/logout").status_code == 405
    assert admin_client.post("/admin/logout").status_code == 400  # no CSRF token
    token = csrf_token(admin_client.get("/admin/orders").get_data(as_text=True))
    response = admin_client.post("/admin/logout", data={"csrf_token": token})
    assert response.headers["Location"] == "/admin/login"
    assert admin_client.get("/admin/orders").status_code == 302


def test_guessing_locks_the_account_even_for_the_right_password(client, admin):
    for _ in range(accounts.FREE_FAILURES):
        assert log_in(client, password="guess").status_code == 401
    response = log_in(client)
    assert response.status_code == 401
    assert accounts.WRONG in response.get_data(as_text=True)


def test_a_deleted_admin_is_logged_out(app, admin_client, admin):
    from storefront.models import AdminUser
    from storefront.web.extensions import db

    with app.app_context():
        db.session.delete(db.session.get(AdminUser, admin))
        db.session.commit()
    assert admin_client.get("/admin/orders").status_code == 302


def test_logins_from_one_address_are_limited(make_app, admin):
    client = make_app(RATELIMIT_LOGIN="2 per minute").test_client()
    assert [log_in(client, password="guess").status_code for _ in range(3)] == [401, 401, 429]
    assert "Too many tries" in log_in(client).get_data(as_text=True)
