"""Security headers on every response: the Content-Security-Policy that keeps script off the page
around Stripe's card frames, HSTS, and the rest (Flask-Talisman sets them).

Only scripts that carry this response's nonce, or come from Stripe, run: templates put
`nonce="{{ csp_nonce() }}"` on each <script> tag, so markup injected into a page runs nothing,
not even a script file of our own. Nothing inline is allowed, scripts or styles.
"""
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

import config as shop_config


def content_security_policy(config):
    stripe = shop_config.stripe_csp_sources(config)
    return {
        "default-src": "'self'",
        "script-src": stripe["script-src"],  # + this response's nonce
        "frame-src": stripe["frame-src"],
        "connect-src": ("'self'", *stripe["connect-src"]),
        "style-src": "'self'",
        # A catalog image may be an https:// URL (catalog.py).
        "img-src": ("'self'", "https:"),
        "font-src": "'self'",
        # Stripe's Checkout page, where "Continue to payment" may redirect (stripe_checkout.py).
        "form-action": ("'self'", *stripe["form-action"]),
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }


def init_app(app):
    """Call before anything that may refuse a request (CSRF), so error pages get a nonce too."""
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    https_only = app.config["HTTPS_ONLY"]
    Talisman(
        app,
        content_security_policy=content_security_policy(app.config),
        content_security_policy_nonce_in=["script-src"],
        force_https=https_only,
        strict_transport_security=https_only,
        session_cookie_secure=https_only,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
