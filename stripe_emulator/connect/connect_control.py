"""/_emulator/ for Connect: what tests use to move connected accounts and money along.

POST /accounts/<id>/onboarding  {"outcome": "complete"|"incomplete"|"pending"} → the account,
                                as if its owner had done that on the onboarding page
                                (`account.updated` sent when anything changed)
POST /accounts/<id>/enable      the same as outcome "complete"
POST /balance/add               {"amount": 10000, "currency": "usd", "account": "acct_…"}
                                → the balance transaction: test mode's "Add to balance",
                                available at once (no account: the platform)
POST /balance/payout            {"amount": 1000, "currency": "usd", "account": "acct_…"}
                                → the balance transaction of a payout to the bank, taking
                                available funds out (409 when there are too few)
"""
from flask import Blueprint, current_app, jsonify, request

from ..machinery.emulator import Call
from ..machinery.errors import StripeError
from ..payments import balance
from ..payments.currencies import currency as parse_currency
from . import accounts

bp = Blueprint("connect_control", __name__, url_prefix="/_emulator")


@bp.errorhandler(StripeError)
def stripe_error(error):
    return jsonify(error=error.message), error.status


def _call():
    return Call(current_app.extensions["stripe_emulator"],
                base_url=request.host_url.rstrip("/"), key_hint="(local Stripe control)")


def _account(call, account_id):
    account = call.store.find(account_id)
    if account is None or account["object"] != "account":
        raise StripeError(404, "invalid_request_error", f"No such account: '{account_id}'")
    return account


@bp.post("/accounts/<account_id>/onboarding")
def onboarding(account_id):
    return _onboard(account_id, (request.get_json(silent=True) or {}).get("outcome"))


@bp.post("/accounts/<account_id>/enable")
def enable(account_id):
    return _onboard(account_id, "complete")


def _onboard(account_id, outcome):
    call = _call()
    with call.emulator.lock:
        return jsonify(accounts.onboard(call, _account(call, account_id), outcome))


@bp.post("/balance/add")
def add_funds():
    return _move_funds(balance.add_funds)


@bp.post("/balance/payout")
def pay_out():
    return _move_funds(balance.pay_out)


def _move_funds(move):
    spec = request.get_json(silent=True) or {}
    amount = spec.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        return jsonify(error="amount must be a positive integer of minor units"), 400
    call = _call()
    with call.emulator.lock:
        account = spec.get("account")
        if account is not None:
            _account(call, account)
        currency = parse_currency(str(spec.get("currency", "usd")))
        transaction = move(call, account, amount, currency)
        if transaction is None:
            return jsonify(error="not that much available in the balance"), 409
        return jsonify(transaction), 201
