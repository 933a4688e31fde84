"""The emulator's objects: Stripe-shaped dicts by id, plus what Stripe keeps to itself.

Not locked here: callers hold the emulator's lock for the whole of an API call.
"""
import os

from .clock import Clock
from .errors import invalid_param, not_found

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def random_token(length=24):
    return "".join(_ALPHABET[byte % 62] for byte in os.urandom(length))


def new_id(prefix):
    return f"{prefix}_{random_token()}"


class Store:
    def __init__(self, clock=None):
        self.clock = clock or Clock()
        self._empty()

    def now(self):
        return self.clock.now()

    def _empty(self):
        self.objects = {}    # id → the object as the API shows it
        self.private = {}    # id → facts the API never shows (card numbers, 3DS results)
        self._ids = {}       # object type → ids, oldest first

    def add(self, obj, **private):
        self.objects[obj["id"]] = obj
        self.private[obj["id"]] = private
        self._ids.setdefault(obj["object"], []).append(obj["id"])
        return obj

    def find(self, object_id):
        return self.objects.get(object_id)

    def get(self, kind, object_id):
        obj = self.objects.get(object_id or "")
        if obj is None or obj["object"] != kind:
            raise not_found(kind, object_id)
        return obj

    def remove(self, object_id):
        obj = self.objects.pop(object_id)
        self.private.pop(object_id)
        self._ids[obj["object"]].remove(object_id)

    def newest_first(self, kind):
        return [self.objects[object_id] for object_id in reversed(self._ids.get(kind, []))]

    def keep_only(self, predicate):
        """Forget every object except those `predicate(obj, private)` keeps."""
        kept = [(obj, self.private[object_id]) for object_id, obj in self.objects.items()
                if predicate(obj, self.private[object_id])]
        self._empty()
        for obj, private in kept:
            self.add(obj, **private)


def page(objects, params, url):
    """A Stripe list: newest first, `limit` (1–100, default 10) objects after
    `starting_after`, or the ones just before `ending_before`."""
    limit = params.integer("limit", minimum=1, maximum=100) or 10
    after, before = params.string("starting_after"), params.string("ending_before")
    if after is not None:
        objects = objects[_position(objects, after, "starting_after") + 1:]
        data = objects[:limit]
    elif before is not None:
        objects = objects[:_position(objects, before, "ending_before")]
        data = objects[-limit:]
    else:
        data = objects[:limit]
    return {"object": "list", "data": data, "has_more": len(objects) > limit, "url": url}


def _position(objects, object_id, param):
    ids = [obj["id"] for obj in objects]
    if object_id not in ids:
        raise invalid_param(f"No such object: '{object_id}'", param=param,
                            code="resource_missing")
    return ids.index(object_id)
