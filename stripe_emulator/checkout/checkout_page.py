"""The Checkout page a session's customer pays on, on the emulator's own origin.

`/c/pay/<cs_id>` (a hosted session's `url`, as checkout.stripe.com/c/pay/… is) shows the line
items, the total, an email field and the emulator's own card Elements; its script
(static/checkout.js) pays through `/v1/payment_pages/<cs_id>/confirm` with Stripe.js, runs a
3-D Secure challenge when the card asks for one, then goes to the success URL. Embedded
sessions show the same page inside the frame that `stripe.initEmbeddedCheckout` mounts; it asks
for the session's client_secret and hands the redirect to the shop's page.
"""
from flask import Blueprint, current_app, make_response, render_template, request

from ..machinery.emulator import Call
from ..machinery.errors import StripeError
from ..payments.currencies import format_amount
from ..stripejs.stripejs import FRAME_CSP
from . import checkout_sessions

# Its templates are in stripe_emulator/templates/, beside the other pages'.
bp = Blueprint("checkout_page", __name__, template_folder="../templates")

# Stripe's page takes payments for the merchant with the merchant's publishable key; any
# pk_test_ key is the one emulated account.
PAGE_KEY = "pk_test_local_checkout_page"


@bp.app_template_filter("money")
def money(amount, code):
    shown = format_amount(amount, code)
    return shown if not shown[:1].isdigit() else f"{shown} {code.upper()}"


@bp.get("/c/pay/<cs_id>")
def pay(cs_id):
    emulator = current_app.extensions["stripe_emulator"]
    client_secret = request.args.get("client_secret")
    with emulator.lock:
        try:
            session, items = checkout_sessions.for_page(Call(emulator), cs_id, client_secret)
        except StripeError:
            return _page("checkout/missing.html", status=404)
        completion_url = checkout_sessions.completion_url(session)
        rates = checkout_sessions.rates_for_page(Call(emulator), session)
        # Copies: the page renders outside the lock.
        session, items = dict(session), [(dict(item), note) for item, note in items]
    return _page("checkout/page.html", session=session, items=items, key=PAGE_KEY, rates=rates,
                 client_secret=client_secret if session["client_secret"] else None,
                 completion_url=completion_url, framed=bool(session["client_secret"]))


def _page(template, status=200, framed=False, **context):
    response = make_response(render_template(template, **context), status)
    # Hosted pages are never framed; the embedded one is framed by the shop's page.
    ancestors = "*" if framed else "'none'"
    response.headers["Content-Security-Policy"] = f"{FRAME_CSP}; frame-ancestors {ancestors}"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "origin"
    return response
