"""An offline Stripe API that the official `stripe` library talks to unchanged.

`create_app()` builds it; `python -m stripe_emulator` serves it. Tests and the storefront steer
it through `/_emulator/` (faults, webhook ordering, the request log, reset).

routes.py (the /v1 route table) → machinery/pipeline.py (log, faults, keys, idempotency,
the API version of machinery/versions.py around each call) → the resources, by package:
- payments/: payment_methods, payment_intents, setup_intents (and setup_redirect.py, the bank's
  3-D Secure page of a redirect), charges, refunds, customers, mandates, disputes,
  balance, balance_transactions (cards.py, bank_accounts.py, currencies.py and fees.py hold
  Stripe's rules; debits.py is where the bank registers its debits), receipts.py (the page a
  charge's receipt_url opens);
- checkout/: checkout_sessions, checkout_page.py (the page a Checkout Session's customer pays
  on; the session follows its PaymentIntent as events tell it);
- connect/: accounts, account_links (and its onboarding page), transfers; connect_control.py
  is its part of /_emulator/;
- tax/: Stripe Tax: calculations (by the rate table in rates.py), transactions and their
  reversals;
- bank/: ACH Direct Debit: bank_debits.py (mandates, microdeposits, settlement on the clock,
  disputes), bank_pages.py (the bank dialog and the hosted microdeposit page);
- stripejs/: Stripe.js and its frames (files in static/ and templates/ here at the top);
- machinery/: store.py and clock.py, events.py (and webhook_endpoints.py; delivery.py sends
  webhooks), control.py (/_emulator/), emulator.py (the state of one emulator), and the
  pipeline's parts (auth, params, errors, expand, search, requestlog, idempotency, faults).
Imports run one way: routes and create_app → checkout | connect | bank | tax → payments →
machinery; stripejs imports none of them (the contracts are in .importlinter).
"""
from flask import Flask

from . import routes
from .bank import bank_pages
from .checkout import checkout_page
from .connect import account_links, connect_control
from .machinery import control, versions
from .machinery.emulator import Emulator
from .machinery.versions import DEFAULT_API_VERSION
from .payments import receipts, setup_redirect
from .stripejs.stripejs import bp as stripejs_bp

INDEX = """<!doctype html><title>Stripe emulator</title>
<h1>Stripe emulator</h1>
<p>An offline Stripe API in test mode. Point the stripe library at this URL.</p>
<ul>
<li><code>/v1/</code> payment_methods (card, us_bank_account; attach, detach, list),
payment_intents (list, search, confirm, capture, cancel, verify_microdeposits,
three_ds_challenge, collect_bank_account), setup_intents (the same, no capture), charges,
refunds, balance_transactions, mandates, disputes, customers (and their payment_methods),
events, webhook_endpoints</li>
<li><code>/v1/</code> Connect: accounts, account (with <code>Stripe-Account</code>),
account_links, transfers and their reversals, balance</li>
<li><code>/v1/checkout/sessions</code> create, retrieve, list, line_items, expire
(payment mode, hosted and embedded)</li>
<li><code>/v1/tax/</code> calculations (and their line_items), transactions
create_from_calculation, create_reversal, retrieve (and their line_items)</li>
<li><code>/c/pay/&lt;session id&gt;</code> the Checkout page a session's customer pays on</li>
<li><code>/setup/e/&lt;account&gt;/&lt;link&gt;</code> the onboarding page an Account Link opens</li>
<li><code>/v3/</code> Stripe.js (card Elements, 3-D Secure, the bank dialog,
initEmbeddedCheckout); <code>/&lt;release&gt;/stripe.js</code> a release's (acacia … endive;
from dahlia createEmbeddedCheckoutPage, the removed methods throw); <code>/microdeposits/&lt;token&gt;</code> the hosted microdeposit
verification page</li>
<li><code>/_emulator/</code> faults, events/hold, events/release, deliveries, requests, clock,
clock/advance, reset; accounts/&lt;id&gt;/onboarding, accounts/&lt;id&gt;/enable,
balance/add, balance/payout</li>
<li><code>/receipts/&lt;charge&gt;</code> the page a charge's receipt_url opens</li>
</ul>
"""


def create_app(webhooks=(), webhook_retry_delays=(0.5, 1, 2, 4, 8), connect_webhooks=(),
               api_version=DEFAULT_API_VERSION, clock_start=None, webhook_api_version=None,
               search_lag=0, webhook_events=("*",), connect_webhook_events=("*",)):
    """`webhooks`: (url, whsec_ secret) pairs sent every event of the platform;
    `connect_webhooks`: the same for events of connected accounts (`account.updated`). Each
    failed delivery is retried once after each of `webhook_retry_delays` seconds, then given up.
    `webhook_events`, `connect_webhook_events`: the events those endpoints are subscribed to
    (default every event, "*").
    `api_version`: the account's default, for requests that name none and for events.
    `clock_start`: the Unix time the emulator's clock starts at (None: the wall clock).
    `webhook_api_version`: the API version of the `webhooks` and `connect_webhooks` endpoints
    (None: the account's default), as a shop creates its endpoint at the version it speaks.
    `webhook_events`, `connect_webhook_events`: the events those endpoints are sent ("*": all).
    `search_lag`: seconds (on that clock) before a new object shows in search results, as
    Stripe's search lags its writes; /_emulator/search_lag changes it."""
    app = Flask(__name__)
    emulator = Emulator(webhook_retry_delays, versions.check(api_version), clock_start,
                        search_lag)
    endpoint_version = versions.check(webhook_api_version) if webhook_api_version else None
    for url, secret in webhooks:
        emulator.add_webhook(url, secret, events=webhook_events, api_version=endpoint_version)
    for url, secret in connect_webhooks:
        emulator.add_webhook(url, secret, connect=True, events=connect_webhook_events,
                             api_version=endpoint_version)
    app.extensions["stripe_emulator"] = emulator
    app.extensions["stripejs_releases"] = versions.stripejs_releases()
    app.register_blueprint(routes.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(connect_control.bp)
    app.register_blueprint(account_links.bp)
    app.register_blueprint(stripejs_bp)
    app.register_blueprint(receipts.bp)
    app.register_blueprint(setup_redirect.bp)
    app.register_blueprint(bank_pages.bp)
    app.register_blueprint(checkout_page.bp)
    app.add_url_rule("/", "index", lambda: INDEX)
    return app
