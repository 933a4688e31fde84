"""Injected failures: the next N matching /v1 requests fail in a chosen way.

- `500`: the endpoint answers api_error 500 without doing anything; like any result it is
  saved for the idempotency key, so a retry with that key replays the 500 (as Stripe does).
- `429`: rate limited before anything ran, with `Stripe-Should-Retry: true`; nothing saved.
- `drop`: the connection closes without an HTTP response; the request never reached
  "Stripe", so nothing ran and nothing was saved.
- `delay`: the request sleeps `delay_ms` once it holds its idempotency key, then proceeds
  normally: a client that times out and retries meets a 409 until the first one finishes.
"""
import itertools
from dataclasses import asdict, dataclass

KINDS = ("500", "429", "drop", "delay")


class FaultSpecError(ValueError):
    pass


@dataclass
class Fault:
    id: int
    kind: str
    count: int
    method: str = None
    path: str = None
    delay_ms: int = None

    def matches(self, method, path):
        return ((self.method is None or self.method == method)
                and (self.path is None or path.startswith(self.path)))


class Faults:
    def __init__(self):
        self._faults = []
        self._ids = itertools.count(1)

    def add(self, spec):
        kind = str(spec.get("kind"))
        if kind not in KINDS:
            raise FaultSpecError(f"kind must be one of {', '.join(KINDS)}")
        count = spec.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise FaultSpecError("count must be a positive integer")
        delay_ms = spec.get("delay_ms")
        if kind == "delay" and (not isinstance(delay_ms, (int, float)) or delay_ms < 0):
            raise FaultSpecError("delay needs delay_ms, a number of milliseconds")
        method = spec.get("method")
        fault = Fault(next(self._ids), kind, count, method.upper() if method else None,
                      spec.get("path"), delay_ms if kind == "delay" else None)
        self._faults.append(fault)
        return asdict(fault)

    def take(self, method, path):
        """The first pending fault matching this request, counted as used."""
        for fault in self._faults:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def pending(self):
        return [asdict(fault) for fault in self._faults]

    def clear(self):
        self._faults.clear()
