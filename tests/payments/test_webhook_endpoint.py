"""`flask stripe webhooks --url URL`: the endpoint subscribed to exactly the events the shop
handles (storefront/payments/webhooks.py, the one list), at the shop's API version."""
import secrets

import pytest
import stripe

from storefront.payments import webhooks


def run(app, *args):
    return app.test_cli_runner().invoke(args=["stripe", "webhooks", *args])


def endpoint_for(stripe_client, url):
    [endpoint] = [e for e in stripe_client.webhook_endpoints.list({"limit": 100}).auto_paging_iter()
                  if e.url == url]
    return endpoint


@pytest.fixture(autouse=True)
def endpoints_removed(stripe_client):
    """The endpoints a test made are deleted after it: the local Stripe is the session's, and
    would go on sending them every event."""
    before = {e.id for e in stripe_client.webhook_endpoints.list({"limit": 100}).auto_paging_iter()}
    yield
    for endpoint in stripe_client.webhook_endpoints.list({"limit": 100}).auto_paging_iter():
        if endpoint.id not in before:
            stripe_client.webhook_endpoints.delete(endpoint.id)


def new_url():
    # Nothing listens on port 9: a delivery there fails at once, were one sent.
    return f"http://127.0.0.1:9/webhooks/stripe-{secrets.token_hex(4)}"


def test_the_events_are_the_ones_the_shop_handles():
    assert set(webhooks.EVENTS) == set(webhooks.HANDLERS)
    assert "payment_intent.succeeded" in webhooks.EVENTS and "charge.refunded" in webhooks.EVENTS
    assert webhooks.CONNECT_EVENTS == ("account.updated",)


def test_creates_the_endpoint_with_exactly_those_events(app, stripe_client):
    url = new_url()
    result = run(app, "--url", url)
    assert result.exit_code == 0, result.output
    endpoint = endpoint_for(stripe_client, url)
    assert sorted(endpoint.enabled_events) == sorted(webhooks.EVENTS)
    assert endpoint.api_version == stripe.api_version  # the config names none: the library's
    assert "STRIPE_WEBHOOK_SECRET=whsec_" in result.output
    again = run(app, "--url", url)  # checks it, and finds it right; makes no second one
    assert again.exit_code == 0 and "the 13 events the shop handles" in again.output
    assert endpoint_for(stripe_client, url).id == endpoint.id


def test_at_the_configured_api_version(app, stripe_client):
    app.config["STRIPE_API_VERSION"] = "2025-09-30.clover"
    url = new_url()
    assert run(app, "--url", url).exit_code == 0
    assert endpoint_for(stripe_client, url).api_version == "2025-09-30.clover"
    app.config["STRIPE_API_VERSION"] = stripe.api_version
    result = run(app, "--url", url)
    assert result.exit_code == 1
    assert "API version 2025-09-30.clover, where the shop speaks" in result.output


def test_says_what_is_missing_and_extra_and_updates_on_request(app, stripe_client):
    url = new_url()
    stripe_client.webhook_endpoints.create({"url": url, "enabled_events": [
        "payment_intent.succeeded", "charge.refunded", "customer.created"]})
    result = run(app, "--url", url)
    assert result.exit_code == 1
    assert "missing: payment_intent.payment_failed" in result.output
    assert "missing: checkout.session.completed" in result.output
    assert "extra:   customer.created" in result.output
    assert "missing: payment_intent.succeeded" not in result.output
    assert run(app, "--url", url, "--update").exit_code == 0
    assert sorted(endpoint_for(stripe_client, url).enabled_events) == sorted(webhooks.EVENTS)
    assert run(app, "--url", url).exit_code == 0


def test_an_endpoint_for_every_event_is_extra(app, stripe_client):
    url = new_url()
    stripe_client.webhook_endpoints.create({"url": url, "enabled_events": ["*"]})
    result = run(app, "--url", url)
    assert result.exit_code == 1 and "extra:   * (every event)" in result.output
    assert "missing" not in result.output


def test_the_connect_endpoint(app, stripe_client):
    url = new_url()
    result = run(app, "--url", url, "--connect")
    assert result.exit_code == 0 and "STRIPE_CONNECT_WEBHOOK_SECRET=whsec_" in result.output
    assert endpoint_for(stripe_client, url).enabled_events == ["account.updated"]
