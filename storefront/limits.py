"""Limits on abuse: how often one client may pay, re-price and try an admin password
(Flask-Limiter).

Card testers try stolen cards one after another against the pay endpoint; a script can re-price
without end. The limits (config.py) count per client address, before anything else looks at
the request, and are applied here by endpoint so the views stay as they are. A client over a
limit gets a 429 in the form it asked for (errors.py).
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
    ("shop.product", "POST"): "RATELIMIT_QUOTE",  # the htmx quote, or the no-JavaScript form
    ("admin.login.form", "POST"): "RATELIMIT_LOGIN",
}


def _limit():
    """This request's limit, or "" (no limit) for everything else."""
    setting = LIMITED.get((request.endpoint, request.method))
    return current_app.config[setting] if setting else ""


def init_app(app):
    """Call before CSRF is checked, so refused requests count too."""
    # One Limiter per app: its counters and storage belong to this app alone.
    Limiter(get_remote_address, app=app, default_limits=[_limit])
