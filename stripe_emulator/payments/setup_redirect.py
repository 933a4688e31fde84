"""The test bank's 3-D Secure page a SetupIntent's `redirect_to_url` next action opens.

A server that confirms a SetupIntent with a `return_url` (not through Stripe.js) gets
`next_action.redirect_to_url`: the customer's browser goes to this page, a plain form (no
script) with "Complete" and "Fail", and comes back to the `return_url` with Stripe's query
parameters `setup_intent`, `setup_intent_client_secret` and `redirect_status`
(`succeeded` or `failed`).
"""
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, abort, current_app, redirect, render_template_string, request

from ..machinery.emulator import Call
from . import setup_intents

bp = Blueprint("setup_redirect", __name__)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>3D Secure authentication</title>
<link rel="stylesheet" href="{{ url_for('stripejs.static', filename='bank.css') }}"></head>
<body class="Bank Bank--page"><main class="Bank-card">
<p class="Bank-brand">Stripe test mode · local emulator</p>
<h1>Authenticate your card</h1>
<p>Your bank asks you to confirm that this card may be saved for future payments.</p>
<form method="post">
<button class="Bank-button" name="outcome" value="complete">Complete</button>
<button class="Bank-option" name="outcome" value="fail">Fail</button>
</form>
</main></body>
</html>"""
# A plain form: no script runs on this page.
CSP = ("default-src 'self'; script-src 'none'; style-src 'self'; form-action 'self' *; "
       "base-uri 'none'; frame-ancestors 'none'")


@bp.route("/three-ds/redirect/<si_id>", methods=["GET", "POST"])
def challenge(si_id):
    emulator = current_app.extensions["stripe_emulator"]
    secret = request.args.get("client_secret", "")
    with emulator.lock:
        intent = emulator.store.find(si_id)
        if intent is None or intent["object"] != "setup_intent" or \
                intent["client_secret"] != secret:
            abort(404)
        action = intent["next_action"] or {}
        if request.method == "GET" or action.get("type") != "redirect_to_url":
            return render_template_string(PAGE), {"Content-Security-Policy": CSP}
        return_url = action["redirect_to_url"]["return_url"]
        call = Call(emulator, base_url=request.host_url.rstrip("/"))
        outcome = "fail" if request.form.get("outcome") == "fail" else "complete"
        setup_intents.answer_challenge(call, intent, outcome)
        status = "succeeded" if intent["status"] == "succeeded" else "failed"
    return redirect(_with_query(return_url, setup_intent=si_id, setup_intent_client_secret=secret,
                                redirect_status=status), 303)


def _with_query(address, **params):
    parts = urlsplit(address)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))
