"""Stripe.js (v3 and its releases) and the Element / 3-D Secure frames, served from the
emulator's own origin.

The host page loads ``/v3/`` (like js.stripe.com/v3/, the legacy train, every method's old name
included) or a release's ``/<release>/stripe.js`` (like js.stripe.com/dahlia/stripe.js). Both are
the one file static/stripe.js, with a line saying which release it is and what that release
removes or renames (``RELEASE``); create_app hands the table in as
``app.extensions["stripejs_releases"]`` (machinery/versions.py's ``stripejs_releases``).
Stripe.js then puts emulator-origin iframes into the page:

- ``/v3/controller.html`` — one hidden controller per ``Stripe()``; the only code that sends
  card data anywhere, and only to this origin's payment_methods / intent confirm endpoints.
- ``/v3/elements-inner-card.html`` — one frame per Element. It reports field states (empty,
  complete, error, brand) to the host by postMessage, and gives the card fields only to its
  controller (same origin, found by name among the host window's frames) when asked.
- ``/three-ds/challenge/<pi_id>`` — the 3-D Secure modal, framing the test bank's page
  (``.../acs``) as ``#challengeFrame``; its buttons answer the challenge through the API.

Every message names its target origin and every receiver checks the sender's origin and window.
All scripts are files under ``static/`` (at the package top) so the frames run under their
own strict CSP.
"""
import json
import os
import re

from flask import Blueprint, abort, current_app, make_response, render_template

bp = Blueprint(
    "stripejs",
    __name__,
    # The files stay at the package's top (shared with the bank, Checkout and Connect pages).
    static_folder="../static",
    static_url_path="/v3/static",
    template_folder="../templates",
)

# Our own frames load only files from this origin; the host page (any origin) may frame them.
FRAME_CSP = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; frame-src 'self'; "
    "img-src 'self' data:; style-src 'self' 'unsafe-inline' *; font-src * data:; "
    "base-uri 'none'; form-action 'self'"
)


def _page(template, **context):
    response = make_response(render_template(template, **context))
    response.headers["Content-Security-Policy"] = FRAME_CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "origin"
    return response


# The one line of stripe.js the server writes: which release this copy is, and what it changes.
_RELEASE_LINE = re.compile(r"^  var RELEASE = .*;$", re.MULTILINE)
LEGACY = {"release": "v3", "removed": {}, "renamed": {}, "absent": []}


def _script(release):
    with open(os.path.join(bp.static_folder, "stripe.js"), encoding="utf-8") as file:
        source = file.read()
    line = "  var RELEASE = " + json.dumps(release, sort_keys=True) + ";"
    source, count = _RELEASE_LINE.subn(lambda match: line, source, count=1)
    assert count == 1, "stripe.js lost its RELEASE line"
    response = make_response(source)
    response.mimetype = "application/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/v3/")
@bp.get("/v3")
def stripe_js():
    return _script(LEGACY)


@bp.get("/<release>/stripe.js")
def release_stripe_js(release):
    """A release of Stripe.js (acacia, basil, clover, dahlia…): what it removes throws."""
    changes = current_app.extensions.get("stripejs_releases", {}).get(release)
    if changes is None:
        abort(404)
    return _script({"release": release, **changes})


@bp.get("/v3/controller.html")
def controller():
    return _page("stripejs/controller.html")


@bp.get("/v3/elements-inner-card.html")
def element_frame():
    return _page("stripejs/element.html")


@bp.get("/three-ds/challenge/<pi_id>")
def three_ds_challenge(pi_id):
    """The modal the host's Stripe.js opens over the page; it frames the bank's page."""
    return _page("stripejs/three_ds.html", pi_id=pi_id)


@bp.get("/three-ds/challenge/<pi_id>/acs")
def three_ds_acs(pi_id):
    """The test bank's page: a Complete and a Fail button."""
    return _page("stripejs/three_ds_acs.html", pi_id=pi_id)
