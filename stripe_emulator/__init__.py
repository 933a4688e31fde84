"""An offline Stripe API that the official `stripe` library talks to unchanged.

`create_app()` builds it; `python -m stripe_emulator` serves it. Tests and the storefront steer
it through `/_emulator/` (faults, webhook ordering, the request log, reset).

api.py (the /v1 routes) → pipeline.py (log, faults, keys, idempotency, the API version of
versions.py around each call) →
payment_methods, payment_intents, charges, refunds, customers, events, webhook_endpoints (the
objects; cards.py and currencies.py hold Stripe's rules) → store.py; delivery.py sends webhooks;
control.py is /_emulator/; stripejs.py (Stripe.js and its frames) is served alongside.
"""
from flask import Flask

from . import api, control, receipts, versions
from .emulator import Emulator
from .versions import DEFAULT_API_VERSION
from .stripejs import bp as stripejs_bp

INDEX = """<!doctype html><title>Stripe emulator</title>
<h1>Stripe emulator</h1>
<p>An offline Stripe API in test mode. Point the stripe library at this URL.</p>
<ul>
<li><code>/v1/</code> payment_methods, payment_intents (list, search, confirm, capture,
cancel, three_ds_challenge), charges, refunds, customers, events, webhook_endpoints</li>
<li><code>/v3/</code> Stripe.js</li>
<li><code>/receipts/</code> the pages charges' receipt_url opens</li>
<li><code>/_emulator/</code> faults, events/hold, events/release, deliveries, requests, reset</li>
</ul>
"""


def create_app(webhooks=(), webhook_retry_delays=(0.5, 1, 2, 4, 8),
               api_version=DEFAULT_API_VERSION):
    """`webhooks`: (url, whsec_ secret) pairs sent every event; each failed delivery is retried
    once after each of `webhook_retry_delays` seconds, then given up. `api_version`: the
    account's default, for requests that name none and for events."""
    app = Flask(__name__)
    emulator = Emulator(webhook_retry_delays, versions.check(api_version))
    for url, secret in webhooks:
        emulator.add_webhook(url, secret)
    app.extensions["stripe_emulator"] = emulator
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(stripejs_bp)
    app.register_blueprint(receipts.bp)
    app.add_url_rule("/", "index", lambda: INDEX)
    return app
