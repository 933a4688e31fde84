"""What every /v1 request goes through, around the endpoint itself.

In order: request log → injected fault → API key → parameters → idempotency key → endpoint
→ saved idempotent result → log entry completed, CORS and Stripe's response headers added.
"""
import json
import socket
import time
from typing import Callable, NamedTuple

from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from . import auth, versions
from .emulator import Call
from .errors import StripeError, api_error, rate_limited, unauthorized
from .expand import expand
from .params import Params, decode, reject_unknown
from .requestlog import metadata_of
from .store import random_token

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Request-Id, Idempotency-Key, Idempotent-Replayed, "
                                     "Original-Request, Stripe-Should-Retry",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key, "
                                    "Stripe-Version, Stripe-Account",
    "Access-Control-Max-Age": "600",
}


class Resources(NamedTuple):
    """What the pipeline asks of the resources, which build on it: the route table hands them in."""
    find_account: Callable    # (call, account id): Stripe's error if there is no such account
    publishable_views: dict   # {object type: (object) → what a publishable key may see of it}


def install(blueprint, publishable_endpoints, account_endpoints=(), *, resources):
    """Run the pipeline on every request of `blueprint`; a publishable key may only reach
    the endpoints named in `publishable_endpoints`, and a Stripe-Account header only those in
    `account_endpoints` (the others would answer with the platform's objects)."""
    allowed = {f"{blueprint.name}.{name}" for name in publishable_endpoints}
    on_behalf = {f"{blueprint.name}.{name}" for name in account_endpoints}
    blueprint.before_request(lambda: begin(allowed, on_behalf, resources))
    blueprint.after_request(finish)
    blueprint.register_error_handler(StripeError, error_response)
    blueprint.register_error_handler(Exception, unexpected_error)


def emulator():
    return current_app.extensions["stripe_emulator"]


def begin(publishable_endpoints, account_endpoints, resources):
    state = emulator()
    g.resources = resources
    g.request_id = f"req_{random_token(14)}"
    if request.method == "OPTIONS":
        # Logged, so tests can tell that Stripe.js causes no preflight.
        with state.lock:
            state.requests.start(g.request_id, "OPTIONS", request.path, None)["status"] = 204
        return Response(status=204, headers=PREFLIGHT_HEADERS)
    key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
    with state.lock:
        g.entry = state.requests.start(g.request_id, request.method, request.path, key)
        fault = state.faults.take(request.method, request.path)
    g.fault = fault.kind if fault else None
    if g.fault == "drop":
        return _drop_connection()
    if g.fault == "429":
        raise rate_limited()
    pairs = list(request.values.items(multi=True))
    g.params = decode(pairs)
    api_key, g.key_kind = auth.authenticate(request.headers, g.params)
    publishable = g.key_kind == "publishable"
    if publishable and request.endpoint not in publishable_endpoints:
        raise unauthorized(auth.PUBLISHABLE_FORBIDDEN)
    g.call = Call(state, publishable, request.host_url.rstrip("/"), _api_version(),
                  g.request_id, key, key_hint=_masked(api_key))
    g.call.account = _connected_account(g.call, account_endpoints)
    if key is not None:
        with state.lock:
            saved = state.idempotency.claim(api_key, key, request.method, request.path,
                                            tuple(sorted(pairs)), g.request_id)
        if saved is not None:
            return _replay(saved)
        g.claim = (api_key, key)
    if g.fault == "delay":
        time.sleep(fault.delay_ms / 1000)
    if g.fault == "500":
        raise api_error()
    return None


def respond(schema, operation):
    """Run `operation(call, params)` under the lock and answer with the object it returns."""
    reject_unknown(g.params, schema)
    params = Params(g.params)
    expand_paths = params.strings("expand") or ()
    call = g.call
    with call.emulator.lock:
        try:
            result = operation(call, params)
            if expand_paths:
                result = expand(call.store, result, expand_paths)
            body = json.dumps(_visible(call, result, expand_paths))
        except StripeError as error:
            return error_response(error)
    g.object_id = result.get("id")
    return Response(body, 200, mimetype="application/json")


def error_response(error):
    """Stripe's error envelope; call under the lock when it carries a PaymentIntent."""
    intent = error.payment_intent
    call = g.get("call")
    g.saved = error.saved
    if intent is not None:
        g.object_id = intent["id"]
        intent = _visible(call, intent)
    return Response(json.dumps(error.body(payment_intent=intent)), error.status,
                    mimetype="application/json", headers=error.headers)


def unexpected_error(exc):
    if isinstance(exc, HTTPException):
        return error_response(StripeError(
            404, "invalid_request_error",
            f"Unrecognized request URL ({request.method}: {request.path}). Please see "
            "https://stripe.com/docs or we can help at https://support.stripe.com/.",
            saved=False))
    current_app.logger.exception("Emulator error on %s %s", request.method, request.path)
    return error_response(api_error(f"The emulator failed: {type(exc).__name__}: {exc}"))


def finish(response):
    response.headers.update(CORS_HEADERS)
    state = emulator()
    call = g.get("call")
    response.headers["Stripe-Version"] = call.api_version if call else state.api_version
    if request.method == "OPTIONS":
        return response
    object_id = g.get("object_id") or next(iter((request.view_args or {}).values()), None)
    with state.lock:
        if g.get("claim"):
            if g.get("saved", True):
                state.idempotency.save(*g.claim, response.status_code, response.get_data(),
                                       object_id)
            else:
                state.idempotency.release(*g.claim)
        sent = g.get("params", {}).get("metadata")
        sent = {key: value for key, value in sent.items() if isinstance(value, str)} \
            if isinstance(sent, dict) else {}
        g.entry.update(
            key_kind=g.get("key_kind", "none"),
            status=None if g.get("fault") == "drop" else response.status_code,
            replayed=g.get("replayed", False),
            fault=g.get("fault"),
            object_id=object_id,
            metadata=metadata_of(state.store, object_id) | sent,
        )
    response.headers["Request-Id"] = g.request_id
    if g.get("call") and g.call.idempotency_key:
        response.headers["Idempotency-Key"] = g.call.idempotency_key
    return response


def _visible(call, obj, expand_paths=()):
    """What this caller may see, in its API version: browsers (publishable keys) get a reduced
    PaymentIntent."""
    if call is None:
        return obj
    obj = versions.render(call.store, obj, call.api_version, expand_paths)
    view = g.resources.publishable_views.get(obj.get("object")) if call.publishable else None
    return view(obj) if view else obj


def _api_version():
    version = request.headers.get("Stripe-Version") or g.params.get("_stripe_version")
    return emulator().api_version if version is None else versions.check(version)


def _connected_account(call, account_endpoints):
    """The connected account a request acts for (Stripe-Account), after checking the key can
    reach it; None for the platform."""
    account = request.headers.get("Stripe-Account") or g.params.get("_stripe_account")
    if not account:
        return None
    if request.endpoint not in account_endpoints:
        raise StripeError(400, "invalid_request_error",
                          f"The local Stripe does not act for connected accounts on "
                          f"{request.method} {request.path}; drop the Stripe-Account header "
                          "(it does on GET /v1/account, /v1/balance and /v1/balance_transactions).",
                          saved=False)
    with call.emulator.lock:
        g.resources.find_account(call, account)
    return account


def _masked(api_key):
    """An API key as Stripe shows it in messages: its prefix and last four characters."""
    return f"{api_key[:8]}{'*' * max(len(api_key) - 12, 0)}{api_key[-4:]}"


def _replay(saved):
    g.replayed = True
    g.object_id = saved.object_id
    return Response(saved.body, saved.status, mimetype="application/json",
                    headers={"Idempotent-Replayed": "true", "Original-Request": saved.request_id})


def _drop_connection():
    """Close the socket under the request: the client sees no HTTP response at all."""
    sock = request.environ.get("werkzeug.socket") or request.environ.get("gunicorn.socket")
    if sock is None:
        raise ConnectionAbortedError("this server cannot drop a connection")
    sock.shutdown(socket.SHUT_RDWR)
    return Response(status=500)
