"""Events: a snapshot of an object each time it changes state, handed to the webhook worker.

As Stripe does, an event is rendered in the account's default API version, and each webhook
endpoint with an `api_version` of its own gets it rendered in that one; the version of the call
that caused the event plays no part.
"""
import copy
import fnmatch
import json

from . import versions
from .delivery import Delivery
from .store import new_id, page
from .webhook_endpoints import matching, secret

LIST_PARAMS = {"type": None, "types": None, "limit": None, "starting_after": None,
               "ending_before": None, "created": None, "delivery_success": None}

# (type prefix, listener): who is told of which events. Events import none of their listeners;
# a listener registers itself (Checkout follows the PaymentIntents its sessions made).
_LISTENERS = []


def listen(prefix, listener):
    """Call `listener(call, obj)` after each event whose type starts with `prefix`; registering
    the same listener again changes nothing."""
    if (prefix, listener) not in _LISTENERS:
        _LISTENERS.append((prefix, listener))


def emit(call, event_type, obj, *, previous_attributes=None, account=None):
    """`account`: the connected account the event happened on (a Connect event, sent only to
    `connect` endpoints); `previous_attributes`: what an `*.updated` event changed."""
    store = call.store
    endpoints = matching(store, event_type, connect=account is not None)
    default = call.emulator.api_version
    data = {"object": versions.render(store, obj, default)}
    if previous_attributes is not None:
        data["previous_attributes"] = copy.deepcopy(previous_attributes)
    event = store.add({
        "id": new_id("evt"),
        "object": "event",
        "api_version": default,
        "created": call.store.now(),
        "data": data,
        "livemode": False,
        "pending_webhooks": len(endpoints),
        "request": {"id": call.request_id, "idempotency_key": call.idempotency_key},
        "type": event_type,
    }, snapshot=_snapshot(obj))
    if account is not None:
        event["account"] = account
    call.emulator.dispatcher.send(deliveries(store, event, endpoints))
    for prefix, listener in _LISTENERS:
        if event_type.startswith(prefix):
            listener(call, obj)
    return event


def emit_updated(call, obj, before):
    """`<object>.updated` with Stripe's `previous_attributes` (the top-level fields that
    changed since `before`, a deep copy), if anything did."""
    previous = {name: value for name, value in before.items() if obj.get(name) != value}
    if previous:
        emit(call, f"{obj['object']}.updated", obj, previous_attributes=previous)


def _snapshot(obj):
    return json.loads(json.dumps(obj))  # the object as it was, for other versions' renderings


def deliveries(store, event, endpoints):
    """One Delivery for each endpoint, the event rendered in the endpoint's API version."""
    sends = []
    for endpoint in endpoints:
        version = endpoint["api_version"] or event["api_version"]
        body = event if version == event["api_version"] else {
            **event, "api_version": version,
            "data": {"object": versions.render(store, store.private[event["id"]]["snapshot"],
                                               version)}}
        sends.append(Delivery(event["id"], event["type"], json.dumps(body, indent=2).encode(),
                              endpoint["url"], secret(store, endpoint)))
    return sends


def redeliver(emulator, event_id):
    """Send an event again to every endpoint that wants it, hold or not; returns how many."""
    with emulator.lock:
        event = emulator.store.get("event", event_id)
        sends = deliveries(emulator.store, event, matching(emulator.store, event["type"],
                                                           connect="account" in event))
    emulator.dispatcher.send(sends, now=True)
    return len(sends)


def retrieve(call, event_id):
    return call.store.get("event", event_id)


def list_events(call, params):
    """`type` may use `*` as Stripe allows (`charge.*`); `types[]` lists several."""
    patterns = params.strings("types") or [params.string("type") or "*"]
    events = [event for event in call.store.newest_first("event")
              if any(fnmatch.fnmatchcase(event["type"], pattern) for pattern in patterns)]
    return page(events, params, "/v1/events")
