"""Every /v1 request the emulator saw, so tests can count the Stripe calls made per order."""
import collections
import time

MAX_ENTRIES = 100_000  # a long-running emulator forgets the oldest first


class RequestLog:
    def __init__(self):
        self._entries = collections.deque(maxlen=MAX_ENTRIES)

    def clear(self):
        self._entries.clear()

    def start(self, request_id, method, path, idempotency_key):
        entry = {
            "request_id": request_id,
            "method": method,
            "path": path,
            "idempotency_key": idempotency_key,
            "key_kind": "none",
            "status": None,           # stays None for a dropped connection
            "replayed": False,
            "fault": None,
            "object_id": None,
            "metadata_order_id": None,
            "time": time.time(),
        }
        self._entries.append(entry)
        return entry

    def query(self, path_prefix=None, metadata_order_id=None, method=None):
        return [entry for entry in self._entries
                if (path_prefix is None or entry["path"].startswith(path_prefix))
                and (metadata_order_id is None or entry["metadata_order_id"] == metadata_order_id)
                and (method is None or entry["method"] == method.upper())]


def order_id_of(store, object_id):
    """metadata[order_id] of the object, or of the PaymentIntent behind a charge or refund."""
    obj = store.find(object_id or "")
    if obj is None:
        return None
    order_id = obj.get("metadata", {}).get("order_id")
    if order_id is None and obj.get("payment_intent"):
        return order_id_of(store, obj["payment_intent"])
    return order_id
