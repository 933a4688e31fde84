"""Events: a snapshot of an object each time it changes state, handed to the webhook worker."""
import copy
import fnmatch
import json

from .delivery import Delivery
from .store import new_id, page
from .webhook_endpoints import matching

LIST_PARAMS = {"type": None, "types": None, "limit": None, "starting_after": None,
               "ending_before": None, "created": None, "delivery_success": None}


def emit(call, event_type, obj):
    store = call.store
    endpoints = matching(store, event_type)
    event = store.add({
        "id": new_id("evt"),
        "object": "event",
        "api_version": call.api_version,
        "created": call.store.now(),
        "data": {"object": copy.deepcopy(obj)},
        "livemode": False,
        "pending_webhooks": len(endpoints),
        "request": {"id": call.request_id, "idempotency_key": call.idempotency_key},
        "type": event_type,
    })
    call.emulator.dispatcher.send(deliveries(event, endpoints))
    if event_type.startswith("payment_intent."):
        _follow_intent(call, obj)
    return event


def _follow_intent(call, intent):
    """A Checkout Session follows the PaymentIntent it made, as the intent's events tell."""
    from . import checkout_sessions  # which imports this module
    checkout_sessions.follow(call, intent)


def deliveries(event, endpoints):
    payload = json.dumps(event, indent=2).encode()
    return [Delivery(event["id"], event["type"], payload, endpoint["url"], endpoint["secret"])
            for endpoint in endpoints]


def redeliver(emulator, event_id):
    """Send an event again to every endpoint that wants it, hold or not; returns how many."""
    with emulator.lock:
        event = emulator.store.get("event", event_id)
        sends = deliveries(event, matching(emulator.store, event["type"]))
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
