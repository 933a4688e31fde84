"""Security headers on every response: the Content-Security-Policy that keeps script off the page
around Stripe's card frames, HSTS, and the rest (Flask-Talisman sets those).

Only scripts that carry this response's nonce, or come from Stripe, run: templates put
`nonce="{{ csp_nonce() }}"` on each <script> tag, so markup injected into a page runs nothing,
not even a script file of our own. Nothing inline is allowed, scripts or styles.

The policy is the same for every response but its nonce, so it is built once. A nonce is made
only for a response whose template asks for one: one without scripts (the price partial, JSON)
gets the policy with no nonce, under which no script of ours could run anyway.
"""
import secrets

from flask import g
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
        # Stripe's Checkout page, where "Continue to payment" may redirect (stripe_checkout.py),
        # and Stripe's onboarding page, where the admin's form for a maker leads.
        "form-action": ("'self'", *stripe["form-action"]),
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }


def policy_text(policy):
    """The header's text for `policy`, split where script-src's list of sources ends: the nonce
    goes between the two halves."""
    parts = [f"{name} {sources if isinstance(sources, str) else ' '.join(sources)}"
             for name, sources in policy.items()]
    text = "; ".join(parts)
    split = len("; ".join(parts[:list(policy).index("script-src") + 1]))
    return text[:split], text[split:]


def csp_nonce():
    """This response's nonce, made on first use (a template's first <script> tag)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(24)  # 192 bits
    return g.csp_nonce


class KnownScheme:
    """The request's scheme is https or http, nothing else: ProxyFix takes a trusted proxy's
    X-Forwarded-Proto as it comes, and a scheme nobody knows ("javascript") made a URL that
    Talisman's https redirect does not recognise as http, so the page was served over plain
    http. Anything but https is http. X-Forwarded-Proto is then set to the scheme decided, so
    Talisman (which also believes the raw header) never takes a client's word for https that
    no trusted proxy gave."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        secure = environ.get("wsgi.url_scheme", "").lower() == "https"
        environ["wsgi.url_scheme"] = environ["HTTP_X_FORWARDED_PROTO"] = "https" if secure else "http"
        return self.wsgi_app(environ, start_response)


def init_app(app):
    """Call before anything that may refuse a request (CSRF), so error pages get the policy too."""
    app.wsgi_app = KnownScheme(app.wsgi_app)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    https_only = app.config["HTTPS_ONLY"]
    Talisman(
        app,
        content_security_policy=None,  # below: built once, not at every response
        force_https=https_only,
        strict_transport_security=https_only,
        session_cookie_secure=https_only,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    head, tail = policy_text(content_security_policy(app.config))
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def set_policy(response):
        nonce = g.get("csp_nonce")
        response.headers["Content-Security-Policy"] = (
            f"{head} 'nonce-{nonce}'{tail}" if nonce else head + tail)
        return response
