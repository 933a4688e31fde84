"""The emulator's objects: Stripe-shaped dicts by id, plus what Stripe keeps to itself.

Not locked here: callers hold the emulator's lock for the whole of an API call.
"""
import os
import time

from .errors import invalid_param, not_found

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def random_token(length=24):
    return "".join(_ALPHABET[byte % 62] for byte in os.urandom(length))


def new_id(prefix):
    return f"{prefix}_{random_token()}"


def now():
    return int(time.time())


class Store:
    def __init__(self):
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
        for object_id in [i for i, obj in self.objects.items()
                          if not predicate(obj, self.private[i])]:
            self.remove(object_id)


def page(objects, params, url):
    """A Stripe list: newest first, `limit` (1–100, default 10) after `starting_after`."""
    limit = params.integer("limit", minimum=1, maximum=100) or 10
    after = params.string("starting_after")
    if after is not None:
        ids = [obj["id"] for obj in objects]
        if after not in ids:
            raise invalid_param(f"No such object: '{after}'", param="starting_after",
                                code="resource_missing")
        objects = objects[ids.index(after) + 1:]
    return {"object": "list", "data": objects[:limit], "has_more": len(objects) > limit,
            "url": url}
