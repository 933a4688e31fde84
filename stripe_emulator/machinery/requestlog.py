"""Every /v1 request the emulator saw, so tests can count the Stripe calls made per order (or
per anything an integration keeps in metadata): each entry carries the metadata of the object
it made or touched, or of the PaymentIntent behind a charge or refund."""
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
            "metadata": {},
            "time": time.time(),
        }
        self._entries.append(entry)
        return entry

    def query(self, path_prefix=None, metadata=None, method=None):
        """Entries under `path_prefix`, of `method`, whose metadata has every key and value of
        `metadata` ({key: value})."""
        metadata = metadata or {}
        return [entry for entry in self._entries
                if (path_prefix is None or entry["path"].startswith(path_prefix))
                and all(entry["metadata"].get(key) == value for key, value in metadata.items())
                and (method is None or entry["method"] == method.upper())]


def metadata_of(store, object_id):
    """The object's metadata, or that of the PaymentIntent behind a charge or refund."""
    obj = store.find(object_id or "")
    if obj is None:
        return {}
    metadata = obj.get("metadata") or {}
    if not metadata and obj.get("payment_intent"):
        return metadata_of(store, obj["payment_intent"])
    return dict(metadata)
