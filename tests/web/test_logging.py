"""The shop's log says what the shop did: the stripe library's line per API call is kept out
unless LOG_LEVEL=DEBUG asks for it."""
import logging

from tests.helpers import card, open_checkout, pay

SLUG = "city-lights-poster"


def stripe_lines(caplog):
    return [record for record in caplog.records if record.name.startswith("stripe")]


def test_a_payment_logs_nothing_from_the_stripe_library_at_the_default_level(
        app, client, stripe_client, caplog):
    caplog.set_level(logging.INFO)  # the shop's default LOG_LEVEL, on the root logger
    response = pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client))
    assert response.json["next"] == "receipt"
    assert stripe_lines(caplog) == []


def test_log_level_debug_shows_every_stripe_call(make_app, stripe_client, caplog):
    app = make_app(LOG_LEVEL="DEBUG")
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    response = pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client))
    assert response.json["next"] == "receipt"
    assert any("/v1/payment_intents" in record.getMessage() for record in stripe_lines(caplog))
