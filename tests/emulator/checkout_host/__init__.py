"""A shop for the Checkout tests: it creates sessions on the local Stripe with the official
library, mounts embedded Checkout under a strict CSP that allows only the emulator's origin,
and is where success, cancel and return URLs lead.

Served from its own loopback port, so the emulator's pages and frames are cross-origin to it,
as checkout.stripe.com and js.stripe.com are to a shop.
"""
import stripe
from flask import Flask, jsonify, make_response, render_template, request

LINE_ITEMS = [
    {"price_data": {"currency": "eur", "unit_amount": 1250,
                    "product_data": {"name": "Notebook", "description": "A5, dotted"}},
     "quantity": 2},
    {"price_data": {"currency": "eur", "unit_amount": 450, "product_data": {"name": "Shipping"}},
     "quantity": 1},
]


def create_host_app(emulator_url, publishable_key="pk_test_checkout_host"):
    app = Flask(__name__)
    client = stripe.StripeClient("sk_test_checkout_host", base_addresses={"api": emulator_url})
    csp = (
        f"default-src 'self'; script-src 'self' {emulator_url}; frame-src {emulator_url}; "
        f"connect-src 'self' {emulator_url}; style-src 'self'; base-uri 'none'; "
        # A form POST answered by a redirect to Checkout is a form action of Checkout's
        # origin too: Chrome blocks it unless form-action names it.
        f"object-src 'none'; form-action 'self' {emulator_url}"
    )

    def session_params(**extra):
        extra = {name: value for name, value in extra.items() if value is not None}
        return {"mode": "payment", "line_items": LINE_ITEMS,
                "metadata": {"order_id": "7"},
                "payment_intent_data": {"metadata": {"order_id": "7"}}, **extra}

    def strict(response):
        response.headers["Content-Security-Policy"] = csp
        return response

    @app.post("/hosted")
    def hosted():
        """What a shop's "Continue to payment" does: create, then 303 to the session's url."""
        session = client.v1.checkout.sessions.create(session_params(
            customer_email=request.form.get("email") or None,
            success_url=request.host_url + "paid?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.host_url + "product"))
        return "", 303, {"Location": session.url}

    @app.post("/embedded-session")
    def embedded_session():
        redirect = request.args.get("redirect", "always")
        return_url = request.host_url + "paid?session_id={CHECKOUT_SESSION_ID}"
        session = client.v1.checkout.sessions.create(session_params(
            ui_mode="embedded_page",   # the library's API version spells it so
            redirect_on_completion=redirect,
            return_url=None if redirect == "never" else return_url))
        return jsonify(clientSecret=session.client_secret, id=session.id)

    @app.get("/embedded")
    def embedded():
        """`stripejs`: the Stripe.js to load (`v3/`, or a release's `dahlia/stripe.js`);
        `method`: the Stripe.js method that creates embedded Checkout."""
        return strict(make_response(render_template(
            "embedded.html", emulator_url=emulator_url, publishable_key=publishable_key,
            option=request.args.get("option", "fetchClientSecret"),
            redirect=request.args.get("redirect", "always"),
            stripejs=request.args.get("stripejs", "v3/"),
            method=request.args.get("method", "initEmbeddedCheckout"))))

    @app.get("/product")
    def product():
        return strict(make_response("<!doctype html><title>Product</title><h1>Notebook</h1>"
                                    '<form method="post" action="/hosted">'
                                    '<button>Continue to payment</button></form>'))

    @app.get("/paid")
    def paid():
        session = client.v1.checkout.sessions.retrieve(request.args["session_id"])
        return strict(make_response(
            f"<!doctype html><title>Paid</title><h1>Order status: {session.payment_status}"
            "</h1>"))

    @app.get("/favicon.ico")
    def favicon():
        return "", 204

    return app
