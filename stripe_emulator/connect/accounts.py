"""Connected accounts (Connect): created by the platform, onboarded on the Account Link page
(account_links.py) or by a test through /_emulator/, and enabled once nothing is due.

One function, `onboard`, decides what an account looks like after onboarding; every change
that a platform watches (capabilities, requirements, charges/payouts enabled, details submitted)
is announced as `account.updated`, a Connect event (delivered to `connect` webhook endpoints).
"""
import copy

from ..machinery.errors import StripeError, invalid_param
from ..machinery.events import emit
from ..machinery.params import FREE, merge_metadata
from ..machinery.store import new_id, page

# What Stripe asks of a new US account before it may take charges and receive payouts.
ONBOARDING_DUE = ["business_profile.mcc", "business_profile.url", "business_type",
                  "external_account", "representative.first_name",
                  "representative.last_name", "tos_acceptance.date", "tos_acceptance.ip"]
# What stays due when the person leaves the onboarding page before the end.
LEFT_DUE = ["external_account", "tos_acceptance.date", "tos_acceptance.ip"]
# A capability any of which lets an account receive transfers.
TRANSFER_CAPABILITIES = ("transfers", "crypto_transfers", "legacy_payments")

OUTCOMES = ("complete", "incomplete", "pending")

# The controller properties each legacy account type stands for (Stripe's migration guide).
TYPE_CONTROLLERS = {
    "express": {"fees": {"payer": "application_express"}, "losses": {"payments": "application"},
                "requirement_collection": "stripe", "stripe_dashboard": {"type": "express"}},
    "standard": {"fees": {"payer": "account"}, "losses": {"payments": "stripe"},
                 "requirement_collection": "stripe", "stripe_dashboard": {"type": "full"}},
    "custom": {"fees": {"payer": "application_custom"}, "losses": {"payments": "application"},
               "requirement_collection": "application", "stripe_dashboard": {"type": "none"}},
}
_CONTROLLER_PARAMS = {"fees": {"payer": None}, "losses": {"payments": None},
                      "requirement_collection": None, "stripe_dashboard": {"type": None}}
_DEFAULT_CURRENCY = {"US": "usd", "CA": "cad", "GB": "gbp", "AU": "aud", "JP": "jpy",
                     "NZ": "nzd", "SG": "sgd", "CH": "chf", "DE": "eur", "FR": "eur",
                     "IE": "eur", "NL": "eur", "ES": "eur", "IT": "eur", "BE": "eur"}

_EDITABLE = {"email": None, "business_profile": FREE, "business_type": None,
             "capabilities": FREE, "metadata": FREE, "default_currency": None,
             "individual": FREE, "company": FREE, "settings": FREE, "tos_acceptance": FREE,
             "external_account": None}
CREATE_PARAMS = {**_EDITABLE, "type": None, "country": None, "controller": _CONTROLLER_PARAMS}
UPDATE_PARAMS = dict(_EDITABLE)
LIST_PARAMS = {"limit": None, "starting_after": None, "ending_before": None, "created": None}

# The platform itself, as GET /v1/account shows it without Stripe-Account.
PLATFORM_ID = "acct_localstripeplatform"


def no_access(call, account_id):
    """Stripe's answer for an account the key cannot reach, or that does not exist."""
    return StripeError(
        403, "invalid_request_error",
        f"The provided key '{call.key_hint}' does not have access to account '{account_id}' "
        "(or that account does not exist). Application access may have been revoked.",
        code="account_invalid", saved=False)


def find(call, account_id):
    """The connected account, or Stripe's 403 for any other id."""
    account = call.store.find(account_id or "")
    if account is None or account["object"] != "account":
        raise no_access(call, account_id)
    return account


def can_receive_transfers(account):
    return any(account["capabilities"].get(name) == "active" for name in TRANSFER_CAPABILITIES)


def create(call, params):
    account_type = params.choice("type", list(TYPE_CONTROLLERS))
    if account_type and "controller" in params:
        raise invalid_param("You cannot specify both `type` and `controller`; use the "
                            "controller properties alone.", param="controller")
    controller = _controller(params.hash("controller"), account_type)
    dashboard = controller["stripe_dashboard"]["type"]
    requested = _requested_capabilities(params)
    if dashboard in ("express", "none") and "transfers" not in requested:
        raise invalid_param("Accounts without access to the full Stripe Dashboard must request "
                            "the `transfers` capability (capabilities[transfers][requested]"
                            "=true).", param="capabilities")
    country = (params.string("country") or "US").upper()
    account = call.store.add({
        "id": new_id("acct"),
        "object": "account",
        "business_profile": {"mcc": None, "name": None, "product_description": None,
                             "support_address": None, "support_email": None,
                             "support_phone": None, "support_url": None, "url": None,
                             **_strings(params.raw("business_profile"))},
        "business_type": params.string("business_type"),
        "capabilities": {name: "inactive" for name in requested},
        "charges_enabled": False,
        "controller": {**controller, "is_controller": True, "type": "application"},
        "country": country,
        "created": call.store.now(),
        "default_currency": params.string("default_currency")
        or _DEFAULT_CURRENCY.get(country, "usd"),
        "details_submitted": False,
        "email": params.string("email"),
        "external_accounts": {"object": "list", "data": [], "has_more": False,
                              "total_count": 0, "url": None},
        "future_requirements": _requirements([]),
        "metadata": merge_metadata({}, params.metadata()),
        "payouts_enabled": False,
        "requirements": _requirements(ONBOARDING_DUE),
        "settings": {"payouts": {"debit_negative_balances": True,
                                 "schedule": {"delay_days": 2, "interval": "daily"},
                                 "statement_descriptor": None},
                     "dashboard": {"display_name": None, "timezone": "Etc/UTC"}},
        "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
        "type": account_type or _type_of(controller),
    })
    account["external_accounts"]["url"] = f"/v1/accounts/{account['id']}/external_accounts"
    return account


def retrieve(call, account_id):
    return find(call, account_id)


def retrieve_own(call, params):
    """GET /v1/account: the connected account named by Stripe-Account, else the platform."""
    if call.account is not None:
        return find(call, call.account)
    return {"id": PLATFORM_ID, "object": "account", "business_profile": {"name": "Local Stripe"},
            "charges_enabled": True, "country": "US", "default_currency": "usd",
            "details_submitted": True, "email": None, "metadata": {}, "payouts_enabled": True,
            "type": "standard"}


def list_accounts(call, params):
    return page(call.store.newest_first("account"), params, "/v1/accounts")


def update(call, account_id, params):
    account = find(call, account_id)
    before = copy.deepcopy(account)
    for name in ("email", "business_type", "default_currency"):
        if name in params:
            account[name] = params.string(name)
    if "business_profile" in params:
        account["business_profile"].update(_strings(params.raw("business_profile")))
    account["metadata"] = merge_metadata(account["metadata"], params.metadata())
    for name in _requested_capabilities(params):
        account["capabilities"].setdefault(
            name, "active" if account["payouts_enabled"] else "inactive")
    _announce(call, account, before)
    return account


def delete(call, account_id):
    find(call, account_id)
    call.store.remove(account_id)
    return {"id": account_id, "object": "account", "deleted": True}


def onboard(call, account, outcome):
    """What the person did on the onboarding page (or a test says they did):

    - "complete": nothing is due; capabilities active, charges and payouts enabled.
    - "incomplete": they left early; the rest stays due and the account stays disabled.
    - "pending": all submitted, Stripe still verifying; capabilities pending.
    """
    if outcome not in OUTCOMES:
        raise invalid_param(f"outcome must be one of {', '.join(OUTCOMES)}", param="outcome")
    before = copy.deepcopy(account)
    due = {"complete": [], "incomplete": LEFT_DUE, "pending": []}[outcome]
    account["requirements"] = _requirements(due)
    if outcome == "pending":
        account["requirements"]["pending_verification"] = ["representative.id_number"]
        account["requirements"]["disabled_reason"] = "requirements.pending_verification"
    status = {"complete": "active", "incomplete": "inactive", "pending": "pending"}[outcome]
    account["capabilities"] = {name: status for name in account["capabilities"]}
    enabled = outcome == "complete"
    account["charges_enabled"] = enabled and "card_payments" in account["capabilities"]
    account["payouts_enabled"] = enabled
    account["details_submitted"] = outcome != "incomplete"
    if outcome != "incomplete" and account["tos_acceptance"]["date"] is None:
        account["tos_acceptance"] = {"date": call.store.now(), "ip": "127.0.0.1",
                                     "user_agent": None}
    _announce(call, account, before)
    return account


def _announce(call, account, before):
    """`account.updated` with Stripe's `previous_attributes`, if anything changed."""
    previous = {name: value for name, value in before.items() if account.get(name) != value}
    if previous:
        emit(call, "account.updated", account, previous_attributes=previous,
             account=account["id"])


def _requirements(due):
    return {"alternatives": [], "current_deadline": None, "currently_due": list(due),
            "disabled_reason": "requirements.past_due" if due else None, "errors": [],
            "eventually_due": list(due), "past_due": list(due), "pending_verification": []}


def _controller(params, account_type):
    if account_type:
        return copy.deepcopy(TYPE_CONTROLLERS[account_type])
    return {
        "fees": {"payer": params.hash("fees").choice("payer", ["account", "application"],
                                                     "account")},
        "losses": {"payments": params.hash("losses").choice(
            "payments", ["application", "stripe"], "stripe")},
        "requirement_collection": params.choice("requirement_collection",
                                                ["application", "stripe"], "stripe"),
        "stripe_dashboard": {"type": params.hash("stripe_dashboard").choice(
            "type", ["express", "full", "none"], "full")},
    }


def _type_of(controller):
    dashboard = controller["stripe_dashboard"]["type"]
    if dashboard == "express":
        return "express"
    if dashboard == "full":
        return "standard"
    return "custom" if controller["requirement_collection"] == "application" else "none"


def _requested_capabilities(params):
    capabilities = params.hash("capabilities")
    requested = []
    for name in capabilities.data:
        if capabilities.hash(name).boolean("requested"):
            requested.append(name)
    return requested


def _strings(value):
    return {key: item for key, item in (value or {}).items() if isinstance(item, str)} \
        if isinstance(value, dict) else {}
