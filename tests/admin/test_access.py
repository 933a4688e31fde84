"""Every /admin URL needs a logged-in admin, and every form there its CSRF token."""
import re

import pytest

from tests.admin.helpers import add_order


def admin_urls(app):
    """Each /admin rule with its methods, made concrete (order 1, line 1, maker "1")."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin") and rule.endpoint != "admin.login.form":
            url = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


def test_every_admin_url_sends_a_logged_out_visitor_to_login(app, client):
    with app.app_context():
        add_order(status="paid")
    urls = list(admin_urls(app))
    assert ("GET", "/admin/") in urls and ("POST", "/admin/logout") in urls
    # CSRF off for this check, so that a refusal here can only come from the login check.
    app.config["WTF_CSRF_ENABLED"] = False
    for method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/admin/login?next="), (method, url)


def test_htmx_is_told_to_send_the_whole_page_to_login(client):
    response = client.get("/admin/orders", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/admin/login?next=/admin/orders"


@pytest.mark.parametrize("url", ["/admin/orders/1/refunds", "/admin/logout"])
def test_posts_without_a_csrf_token_are_refused(app, admin_client, url):
    with app.app_context():
        add_order(status="paid")
    response = admin_client.post(url, data={"amount": "1.00", "request_id": "x" * 22})
    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)  # the CSRF refusal's page
    htmx = admin_client.post(url, data={"amount": "1.00"},
                             headers={"HX-Request": "true", "X-CSRFToken": "forged"})
    assert htmx.status_code == 400


def test_the_admin_home_is_the_order_list(admin_client):
    assert admin_client.get("/admin/").headers["Location"] == "/admin/orders"


def test_a_refused_htmx_request_says_why_above_the_page(app, admin_client):
    with app.app_context():
        add_order(status="paid")
    response = admin_client.post("/admin/orders/1/refunds", data={"amount": "1.00"},
                                 headers={"HX-Request": "true", "X-CSRFToken": "expired"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#admin-alert"
    assert "This page has expired" in response.get_data(as_text=True)
    assert 'id="admin-alert"' in admin_client.get("/admin/orders/1").get_data(as_text=True)
    # Without htmx, the shop's error page.
    page = admin_client.get("/admin/orders/999")
    assert page.status_code == 404 and "<html" in page.get_data(as_text=True)
