"""Limits on abuse: how often one client may pay, re-price, load an order's page that may ask
Stripe about it, try an admin password, and ask for a customer's sign-in link (Flask-Limiter).

Card testers try stolen cards one after another against the pay endpoint; a script can re-price
without end. The limits (config.py) count per client address, before anything else looks at
the request, and are applied here by endpoint so the views stay as they are. A client over a
limit gets a 429 in the form it asked for (errors.py).

The price partial's GET is not counted: it changes nothing and calls no one, costs less than
the product page (which is not limited either: browsing never is), and behind an HTTP cache
most of them would never reach the shop to be counted. Re-pricing by POST, the form without
JavaScript, still is.
"""
from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# (endpoint, method) → the config setting holding its limit.
LIMITED = {
    ("checkout.pay", "POST"): "RATELIMIT_PAY",
    ("checkout.confirm", "POST"): "RATELIMIT_PAY",
    # Each opens a Stripe Checkout page: a Stripe call, like paying.
    ("stripe_checkout.continue_to_payment", "POST"): "RATELIMIT_PAY",
    ("stripe_checkout.continue_bag", "POST"): "RATELIMIT_PAY",
    ("shop.product", "POST"): "RATELIMIT_QUOTE",  # the htmx quote, or the no-JavaScript form
    # The tax for an address: a Stripe Tax call for each new one (payments/tax.py remembers).
    ("shop.product_tax", "POST"): "RATELIMIT_QUOTE",
    ("bag.tax_for_address", "POST"): "RATELIMIT_QUOTE",
    ("bag.pay", "POST"): "RATELIMIT_PAY",  # the bag's checkout: the same card testers
    ("bag.show", "POST"): "RATELIMIT_QUOTE",  # the bag re-priced without JavaScript
    ("bag.add", "POST"): "RATELIMIT_QUOTE",
    ("admin.login.form", "POST"): "RATELIMIT_LOGIN",
    # Asking for a sign-in link sends an email; following one is a sign-in (accounts/signin.py
    # also counts the links per address).
    ("accounts.sign_in", "POST"): "RATELIMIT_SIGN_IN",
    ("accounts.follow_link", "POST"): "RATELIMIT_LOGIN",
    # Pages that may ask Stripe about an order (orders/stripe_reads.py keeps it to one read
    # per order and interval; this keeps one client from walking many orders).
    ("orders.receipt", "GET"): "RATELIMIT_ORDER_PAGES",
    ("stripe_checkout.returned", "GET"): "RATELIMIT_ORDER_PAGES",
}


def _limit():
    """This request's limit, or "" (no limit) for everything else."""
    setting = LIMITED.get((request.endpoint, request.method))
    return current_app.config[setting] if setting else ""


def init_app(app):
    """Call before CSRF is checked, so refused requests count too."""
    # One Limiter per app: its counters and storage belong to this app alone.
    limiter = Limiter(get_remote_address, app=app, default_limits=[_limit])
    # Flask-Limiter looks at every request, at a cost even when no limit applies (its own
    # exemption filters run late); only a request that has a limit is handed to it.
    hooks = app.before_request_funcs.get(None, [])
    check = limiter._check_request_limit
    if check in hooks:  # not registered at all when RATELIMIT_ENABLED is off
        hooks[hooks.index(check)] = lambda: check() if _limit() else None
