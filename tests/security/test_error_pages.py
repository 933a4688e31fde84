"""Error pages are the shop's own (storefront/web/errors.py): readable, in the shop's layout, in the
form the request asked for, and they give nothing away."""
import time

import flask_limiter._extension as flask_limiter_extension
import limits.storage.memory as limits_memory
import limits.strategies as limits_strategies
import pytest
from flask import abort
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.datastructures import MultiDict

INTERNAL = "database password hunter2 at /srv/shop/storefront/checkout/receipts.py"
RATE = "1 per minute"


@pytest.fixture
def app(make_app):
    app = make_app(RATELIMIT_QUOTE=RATE, PROPAGATE_EXCEPTIONS=False)

    @app.post("/_test/bad-request")
    def bad_request():
        abort(400, description=INTERNAL)

    @app.get("/_test/crash")
    def crash():
        raise RuntimeError(INTERNAL)

    @app.get("/_test/database-gone")
    def database_gone():
        # What psycopg raises when PostgreSQL is restarted under a statement.
        raise OperationalError("SELECT 1", {}, Exception(f"terminating connection {INTERNAL}"))

    @app.get("/_test/database-bug")
    def database_bug():
        raise IntegrityError("INSERT", {}, Exception(INTERNAL))

    return app


@pytest.fixture
def token(page_fields):
    return page_fields()["csrf_token"]


def trigger(client, token, status, **headers):
    """The request that gets `status` from the shop."""
    with_token = {"X-CSRFToken": token, **headers}
    if status == 400:
        return client.post("/_test/bad-request", headers=with_token)
    if status == 404:
        return client.get("/p/no-such-product", headers=headers)
    if status == 405:
        return client.get("/p/organic-tee/pay", headers=headers)
    if status == 413:
        return client.post("/p/organic-tee", data={"x": "y" * 70_000}, headers=with_token)
    if status == 429:
        client.post("/p/organic-tee", headers=with_token)
        return client.post("/p/organic-tee", headers=with_token)
    if status == 503:
        return client.get("/_test/database-gone", headers=headers)
    return client.get("/_test/crash", headers=headers)


TITLES = {
    400: "We could not read that",
    404: "Page not found",
    405: "Not available that way",
    413: "That was too much",
    429: "Too many tries",
    500: "Something went wrong on our side",
    503: "We are back in a moment",
}


def assert_gives_nothing_away(app, text):
    assert INTERNAL not in text and "Traceback" not in text and "RuntimeError" not in text
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SECRET_KEY"):
        assert app.config[name] not in text


@pytest.mark.parametrize("status", TITLES)
def test_each_error_is_a_page_of_the_shop(app, client, token, status):
    response = trigger(client, token, status)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f"<title>{TITLES[status]} · Maple &amp; Ink</title>" in html
    assert f"<h1>{TITLES[status]}</h1>" in html
    assert '<a class="site-name"' in html and "Back to the shop" in html
    assert "'nonce-" in response.headers["Content-Security-Policy"]
    assert_gives_nothing_away(app, html)


@pytest.mark.parametrize("status", TITLES)
def test_each_error_is_json_for_pay_js(app, client, token, status):
    response = trigger(client, token, status, Accept="application/json")
    assert response.status_code == status
    body = response.get_json()
    assert body["next"] == "retry" and len(body["message"]) > 20
    assert_gives_nothing_away(app, response.get_data(as_text=True))


@pytest.mark.parametrize("status", TITLES)
def test_each_error_is_the_price_partial_for_htmx(app, client, token, status):
    response = trigger(client, token, status, **{"HX-Request": "true"})
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert html.startswith('<section id="price"') and f"<strong>{TITLES[status]}.</strong>" in html
    assert_gives_nothing_away(app, html)


class StoppedClock:
    """The `time` module with time() stopped at `at`: the rate limiter's window and its
    Retry-After, counted in whole seconds, no longer depend on where in a second the requests
    fall (59 once in CI, where the two requests straddled a second)."""

    def __init__(self, at):
        self.at = at

    def time(self):
        return self.at

    def __getattr__(self, name):
        return getattr(time, name)


def test_405_says_what_is_allowed_and_429_when_to_come_back(client, token, monkeypatch):
    assert set(trigger(client, token, 405).headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    stopped = StoppedClock(1_800_000_000.5)
    for module in (flask_limiter_extension, limits_memory, limits_strategies):
        monkeypatch.setattr(module, "time", stopped)
    assert trigger(client, token, 429).headers["Retry-After"] == "60"


def test_a_crash_is_logged_for_us_but_not_shown(client, token, caplog):
    response = trigger(client, token, 500)
    assert response.status_code == 500
    assert INTERNAL in caplog.text  # the traceback goes to the log, where we look


def test_a_form_with_too_many_parts_is_413_not_a_crash(client, token):
    parts = MultiDict([("addon", "x")] * 2000)
    response = client.post("/p/organic-tee", data=parts, content_type="multipart/form-data",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 413


def test_the_database_going_away_is_a_503_try_again_logged_and_a_database_bug_still_a_500(
        client, caplog):
    response = client.get("/_test/database-gone", headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.get_json()["next"] == "retry"
    assert "The database is unavailable (Exception): answered 503" in caplog.text
    assert client.get("/_test/database-bug").status_code == 500
