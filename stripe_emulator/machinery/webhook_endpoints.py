"""WebhookEndpoint objects: where events go, the API version their events are rendered in, and
the `whsec_…` secret they are signed with, which Stripe shows only in the answer to the create."""
from urllib.parse import urlsplit

from . import versions
from .errors import invalid_param
from .params import FREE
from .store import new_id, page, random_token

CREATE_PARAMS = {"url": None, "enabled_events": None, "description": None, "metadata": FREE,
                 "api_version": None, "connect": None}
# As Stripe's: an endpoint's api_version is set when it is made, and never changed.
UPDATE_PARAMS = {"url": None, "enabled_events": None, "description": None, "disabled": None}


def create_endpoint(store, url, enabled_events, *, secret=None, configured=False,
                    description=None, metadata=None, connect=False, api_version=None):
    """The endpoint as the create call answers it, secret included. `connect`: a Connect
    endpoint, sent the events of connected accounts instead of the platform's own."""
    endpoint = {
        "id": new_id("we"),
        "object": "webhook_endpoint",
        "api_version": api_version,
        "application": None,
        "created": store.now(),
        "description": description,
        "enabled_events": list(enabled_events),
        "livemode": False,
        "metadata": metadata or {},
        "status": "enabled",
        "url": url,
    }
    secret = secret or f"whsec_{random_token(32)}"
    store.add(endpoint, configured=configured, connect=connect, secret=secret)
    return {**endpoint, "secret": secret}


def create(call, params):
    url = params.string("url", required=True)
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise invalid_param(f"Invalid URL: {url}", param="url", code="url_invalid")
    events = params.strings("enabled_events")
    if not events:
        raise invalid_param("Missing required param: enabled_events.", param="enabled_events",
                            code="parameter_missing")
    version = params.string("api_version")
    return create_endpoint(call.store, url, events, description=params.string("description"),
                           metadata=params.metadata() or {}, connect=params.boolean("connect"),
                           api_version=versions.check(version) if version else None)


def update(call, endpoint_id, params):
    endpoint = call.store.get("webhook_endpoint", endpoint_id)
    url = params.string("url")
    if url is not None:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise invalid_param(f"Invalid URL: {url}", param="url", code="url_invalid")
        endpoint["url"] = url
    events = params.strings("enabled_events")
    if events is not None:
        if not events:
            raise invalid_param("enabled_events may not be empty.", param="enabled_events")
        endpoint["enabled_events"] = list(events)
    description = params.string("description")
    if description is not None:
        endpoint["description"] = description
    disabled = params.boolean("disabled", default=None)
    if disabled is not None:
        endpoint["status"] = "disabled" if disabled else "enabled"
    return endpoint


def retrieve(call, endpoint_id):
    return call.store.get("webhook_endpoint", endpoint_id)


def delete(call, endpoint_id):
    call.store.get("webhook_endpoint", endpoint_id)
    call.store.remove(endpoint_id)
    return {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}


def list_endpoints(call, params):
    return page(call.store.newest_first("webhook_endpoint"), params, "/v1/webhook_endpoints")


def secret(store, endpoint):
    return store.private[endpoint["id"]]["secret"]


def matching(store, event_type, connect=False):
    return [endpoint for endpoint in store.newest_first("webhook_endpoint")
            if endpoint["status"] == "enabled"
            and store.private[endpoint["id"]].get("connect", False) == connect
            and ("*" in endpoint["enabled_events"] or event_type in endpoint["enabled_events"])]
