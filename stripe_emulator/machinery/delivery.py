"""Webhook delivery: a worker thread that signs, posts and retries, never blocking the API.

Each (event, endpoint) pair is one delivery. A non-2xx answer or a connection failure is
retried after each of `retry_delays` in turn, then given up and recorded. While deliveries are
held they wait, to be released in the order a test asks for (events can arrive out of order).
"""
import hashlib
import heapq
import hmac
import itertools
import random
import threading
import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPSConnection
from urllib.parse import urlsplit

TIMEOUT = 10  # seconds a receiver may take to answer


def signature_header(secret, payload, timestamp):
    """Stripe's scheme: HMAC-SHA256 of "<timestamp>.<raw body>" under the endpoint secret."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class Delivery:
    event_id: str
    event_type: str
    payload: bytes
    url: str
    secret: str
    attempt: int = 1
    generation: int = 0           # deliveries from before a reset are dropped, not retried


def post(url, payload, headers):
    """POST without following redirects (Stripe counts a 3xx as a failure); returns the status."""
    parts = urlsplit(url)
    connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, payload, headers)
        return connection.getresponse().status
    finally:
        connection.close()


class Dispatcher:
    def __init__(self, retry_delays):
        self.retry_delays = tuple(retry_delays)
        self._condition = threading.Condition()
        self._queue = []              # heap of (due time, sequence, Delivery)
        self._sequence = itertools.count()
        self._held = None             # a list while deliveries are held back
        self._attempts = []
        self._stopped = False
        self._sending = False
        self._generation = 0
        self._thread = threading.Thread(target=self._run, name="stripe-emulator-webhooks",
                                        daemon=True)
        self._thread.start()

    def send(self, deliveries, *, now=False):
        """Queue deliveries; `now` skips a hold (an explicit redelivery)."""
        with self._condition:
            for delivery in deliveries:
                delivery.generation = self._generation
            if self._held is not None and not now:
                self._held.extend(deliveries)
                return
            for delivery in deliveries:
                self._push(delivery, time.monotonic())
            self._condition.notify_all()

    def hold(self):
        with self._condition:
            if self._held is None:
                self._held = []

    def release(self, order="fifo", seed=None):
        """Send the held deliveries in `order` (fifo, reverse, shuffle); returns their event ids."""
        with self._condition:
            held, self._held = self._held or [], None
            if order == "reverse":
                held.reverse()
            elif order == "shuffle":
                random.Random(seed).shuffle(held)
            start = time.monotonic()
            for delivery in held:
                self._push(delivery, start)
            self._condition.notify_all()
            return [delivery.event_id for delivery in held]

    def attempts(self):
        with self._condition:
            return list(self._attempts)

    def reset(self):
        """Drop every pending delivery; returns once none from before is still being sent."""
        with self._condition:
            self._queue.clear()
            self._attempts.clear()
            self._held = None
            self._generation += 1
            self._condition.wait_for(lambda: not self._sending, timeout=TIMEOUT)

    def close(self):
        with self._condition:
            self._stopped = True
            self._condition.notify_all()
        self._thread.join(timeout=TIMEOUT + 1)

    def _push(self, delivery, due):
        heapq.heappush(self._queue, (due, next(self._sequence), delivery))

    def _next(self):
        with self._condition:
            while not self._stopped:
                if self._queue and self._queue[0][0] <= time.monotonic():
                    self._sending = True
                    return heapq.heappop(self._queue)[2]
                timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                self._condition.wait(timeout)
            return None

    def _run(self):
        while (delivery := self._next()) is not None:
            self._attempt(delivery)

    def _attempt(self, delivery):
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": signature_header(delivery.secret, delivery.payload,
                                                 int(time.time())),
        }
        status, error = None, None
        try:
            status = post(delivery.url, delivery.payload, headers)
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"
        succeeded = status is not None and 200 <= status < 300
        retrying = not succeeded and delivery.attempt <= len(self.retry_delays)
        with self._condition:
            self._sending = False
            self._condition.notify_all()
            if delivery.generation != self._generation:
                return
            self._attempts.append({
                "event_id": delivery.event_id,
                "type": delivery.event_type,
                "url": delivery.url,
                "attempt": delivery.attempt,
                "status": status,
                "error": error,
                "outcome": "succeeded" if succeeded else "retrying" if retrying else "failed",
                "at": time.time(),
            })
            if retrying:
                delay = self.retry_delays[delivery.attempt - 1]
                delivery.attempt += 1
                self._push(delivery, time.monotonic() + delay)
