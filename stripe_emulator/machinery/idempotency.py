"""Idempotency keys: the first result of a POST is saved and replayed for the same key.

Keys are scoped per API key. A key reused with other parameters, or on another endpoint, is an
`idempotency_error`; a key whose first request is still running answers 409 (the official
libraries retry that). Stripe prunes keys after 24 hours, and so does the emulator, by its clock:
after that the same key makes a new request.
"""
from dataclasses import dataclass

from .clock import DAY, Clock
from .errors import StripeError, invalid_param

MAX_KEY_LENGTH = 255
KEPT_FOR = DAY


@dataclass
class Saved:
    method: str
    path: str
    fingerprint: tuple
    request_id: str
    created: int = 0
    status: int = None          # None while the first request is still running
    body: bytes = None
    object_id: str = None


class IdempotencyStore:
    def __init__(self, clock=None):
        self.clock = clock or Clock()
        self._saved = {}     # (scope, key) → Saved, oldest first

    def clear(self):
        self._saved.clear()

    def claim(self, scope, key, method, path, fingerprint, request_id):
        """The saved result to replay, or None after claiming the key for this request."""
        if len(key) > MAX_KEY_LENGTH:
            raise invalid_param(f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters "
                                "long.")
        self._prune()
        saved = self._saved.get((scope, key))
        if saved is None:
            self._saved[(scope, key)] = Saved(method, path, fingerprint, request_id,
                                              self.clock.now())
            return None
        if (saved.method, saved.path) != (method, path):
            raise _conflict(f"Keys for idempotent requests can only be used for the same "
                            f"endpoint they were first used for ('{saved.method} {saved.path}' "
                            f"vs '{method} {path}'). Try using a key other than '{key}' if you "
                            "meant to execute a different request.")
        if saved.fingerprint != fingerprint:
            raise _conflict("Keys for idempotent requests can only be used with the same "
                            f"parameters they were first used with. Try using a key other than "
                            f"'{key}' if you meant to execute a different request.")
        if saved.status is None:
            raise StripeError(
                409, "invalid_request_error",
                "There is currently another in-progress request using this Idempotency-Key "
                "(that probably means you submitted twice, and the other request is still "
                f"going through): {key}. Please try again later.",
                code="idempotency_key_in_use", saved=False)
        return saved

    def save(self, scope, key, status, body, object_id):
        saved = self._saved[(scope, key)]
        saved.status, saved.body, saved.object_id = status, body, object_id

    def _prune(self):
        """Forget finished keys older than KEPT_FOR (dicts keep insertion order: oldest first)."""
        expired_before = self.clock.now() - KEPT_FOR
        for scope_key, saved in list(self._saved.items()):
            if saved.created > expired_before:
                break
            if saved.status is not None:
                del self._saved[scope_key]

    def release(self, scope, key):
        """Forget a claim whose request did not begin executing (Stripe saves nothing)."""
        self._saved.pop((scope, key), None)


def _conflict(message):
    return StripeError(400, "idempotency_error", message, saved=False)
