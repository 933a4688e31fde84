"""Account Links: a single-use URL, valid 300 seconds, to the onboarding page on this origin.

The page stands in for Stripe's hosted onboarding. Opening the link uses it up; the person then
chooses "Complete onboarding" or "Leave incomplete" (accounts.onboard decides what that does)
and is sent to `return_url` either way, as Stripe does. An expired or already used link sends
them to `refresh_url`, where the platform is expected to make a new link.
"""
from flask import Blueprint, current_app, make_response, redirect, render_template, request

from ..machinery.emulator import Call
from ..machinery.errors import invalid_param, missing_param
from ..machinery.store import random_token
from . import accounts

CREATE_PARAMS = {"account": None, "type": None, "refresh_url": None, "return_url": None,
                 "collect": None, "collection_options": {"fields": None,
                                                         "future_requirements": None}}
TYPES = ["account_onboarding", "account_update"]
LIFETIME_SECONDS = 300  # Stripe's Account Links expire 300 s after they are created

# Its templates are in stripe_emulator/templates/, beside the other pages'.
bp = Blueprint("account_links", __name__, template_folder="../templates")

PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; "
            "base-uri 'none'; frame-ancestors 'none'")


def create(call, params):
    account = accounts.find(call, params.string("account", required=True))
    link_type = params.choice("type", TYPES)
    if link_type is None:
        raise missing_param("type")
    if link_type == "account_update" and \
            account["controller"]["stripe_dashboard"]["type"] != "none":
        raise invalid_param("You can't create Account Links of type account_update for accounts "
                            "that have access to a Stripe-hosted Dashboard.", param="type")
    urls = {name: params.string(name, required=True) for name in ("refresh_url", "return_url")}
    token = f"alu_{random_token(32)}"
    now = call.store.now()
    link = {"object": "account_link", "created": now, "expires_at": now + LIFETIME_SECONDS,
            "url": f"{call.base_url}/setup/e/{account['id']}/{token}"}
    call.store.add({"id": token, "object": "account_link_state", "state": "new",
                    "account": account["id"], "expires_at": link["expires_at"], **urls})
    return link


def _emulator():
    return current_app.extensions["stripe_emulator"]


def _link(store, account_id, token):
    link = store.find(token)
    if link is None or link["object"] != "account_link_state" or link["account"] != account_id:
        return None
    return link


@bp.get("/setup/e/<account_id>/<token>")
def onboarding_page(account_id, token):
    """Opening the link uses it: a second visit, or one after it expired, goes to refresh_url
    (the page opened first still answers)."""
    emulator = _emulator()
    with emulator.lock:
        link = _link(emulator.store, account_id, token)
        if link is None:
            return _page("connect/link_invalid.html", status=404)
        if link["state"] != "new" or emulator.store.now() > link["expires_at"]:
            return redirect(link["refresh_url"], 303)
        link["state"] = "open"
        account = emulator.store.find(account_id)
        if account is None:
            return redirect(link["refresh_url"], 303)
        return _page("connect/onboarding.html", account=account, token=token)


@bp.post("/setup/e/<account_id>/<token>")
def onboarding_answer(account_id, token):
    """The person's choice; then back to the platform's return_url, whatever they chose."""
    emulator = _emulator()
    with emulator.lock:
        link = _link(emulator.store, account_id, token)
        if link is None:
            return _page("connect/link_invalid.html", status=404)
        account = emulator.store.find(account_id)
        if link["state"] != "open" or account is None:
            return redirect(link["refresh_url"], 303)
        outcome = request.form.get("outcome")
        if outcome not in ("complete", "incomplete"):
            return _page("connect/onboarding.html", account=account, token=token,
                         status=400, problem="Choose Complete onboarding or Leave incomplete.")
        link["state"] = "used"
        accounts.onboard(Call(emulator, base_url=request.host_url.rstrip("/")), account, outcome)
        return redirect(link["return_url"], 303)


def _page(template, status=200, **context):
    response = make_response(render_template(template, **context), status)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
