"""Secrets stay on the server: the Stripe secret key, the webhook secret and Flask's SECRET_KEY
appear in no page, script, JSON answer, header or log line of a whole checkout."""
import logging
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.security.conftest import checkout_with_3ds

STRIPE_SECRET_KEY = f"sk_test_{secrets.token_hex(16)}"
FLASK_SECRET_KEY = secrets.token_hex(32)


@pytest.fixture
def app(make_app):
    # Values unique to this run, so finding one anywhere can only mean it leaked.
    return make_app(STRIPE_SECRET_KEY=STRIPE_SECRET_KEY, SECRET_KEY=FLASK_SECRET_KEY)


def server_secrets(app):
    return {name: app.config[name]
            for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SECRET_KEY")}


@pytest.mark.e2e
def test_no_secret_in_any_response_or_log_of_a_whole_checkout(page, shop, app, caplog):
    caplog.set_level(logging.DEBUG)
    responses = []

    def keep(response):
        try:
            body = response.body().decode("utf-8", "replace")
        except PlaywrightError:  # a redirect has no body
            body = ""
        headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
        responses.append((response.url, response.request.resource_type, f"{headers}\n{body}"))

    page.on("response", keep)
    checkout_with_3ds(page, shop)

    kinds = {kind for _, kind, _ in responses}
    assert {"document", "script", "xhr", "fetch"} <= kinds, kinds  # pages, JS, htmx, pay.js
    assert any("/three-ds/" in url for url, kind, _ in responses if kind == "document")
    assert any(url.endswith("/pay") for url, _, _ in responses)
    shown = "\n".join(text for _, _, text in responses)
    logged = caplog.text + "\n".join(str(record.args) for record in caplog.records)
    assert "POST /webhooks/stripe" in logged  # the webhooks came in during the checkout
    for name, value in server_secrets(app).items():
        assert value not in shown, f"{name} reached the browser"
        assert value not in logged, f"{name} was logged"


def test_no_template_names_a_secret_setting():
    """So none can render one, whatever the page."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    for template in (path for path in templates.rglob("*") if path.is_file()):
        text = template.read_text()
        assert "SECRET_KEY" not in text and "WEBHOOK_SECRET" not in text, template
        assert "{{ config }}" not in text and "config.items" not in text, template
