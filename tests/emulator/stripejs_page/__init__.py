"""A plain host page for the Stripe.js tests: card Elements mounted under a strict CSP.

Served from its own loopback port, so the emulator's frames are cross-origin to it, as
js.stripe.com's are to a shop.
"""
from flask import Flask, make_response, render_template


def create_page_app(emulator_url, publishable_key="pk_test_stripejs_page"):
    app = Flask(__name__)
    csp = (
        f"default-src 'self'; script-src 'self' {emulator_url}; frame-src {emulator_url}; "
        f"connect-src {emulator_url}; style-src 'self'; base-uri 'none'; object-src 'none'; "
        "form-action 'self'"
    )

    @app.get("/")
    def index():
        response = make_response(
            render_template("page.html", emulator_url=emulator_url, publishable_key=publishable_key)
        )
        response.headers["Content-Security-Policy"] = csp
        return response

    @app.get("/favicon.ico")
    def favicon():
        return "", 204

    return app
