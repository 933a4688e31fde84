"""The state behind one emulator app, and the per-request context the endpoints work in."""
import threading
from dataclasses import dataclass

from .clock import Clock
from .delivery import Dispatcher
from .faults import Faults
from .idempotency import IdempotencyStore
from .requestlog import RequestLog
from .store import Store
from .versions import DEFAULT_API_VERSION
from .webhook_endpoints import create_endpoint


class Emulator:
    """Everything one app knows; `lock` guards it all, as the server is threaded.

    Published as `app.extensions["stripe_emulator"]`.
    """

    def __init__(self, webhook_retry_delays, api_version=DEFAULT_API_VERSION, clock_start=None,
                 search_lag=0):
        self.lock = threading.RLock()
        self.api_version = api_version  # the account's default API version
        self.clock_start = clock_start  # a Unix time the clock starts at; None: the wall clock
        self.clock = Clock(clock_start)
        self.store = Store(self.clock)
        self.idempotency = IdempotencyStore(self.clock)
        self.faults = Faults()
        self.requests = RequestLog()
        self.dispatcher = Dispatcher(webhook_retry_delays)
        # Seconds, on the emulator's clock, before a new object shows in search results: Stripe's
        # search is not read-after-write (under a minute normally, up to an hour in an outage).
        self.search_lag_start = self.search_lag = search_lag

    def add_webhook(self, url, secret, connect=False, events=("*",), api_version=None):
        """An endpoint for `events` (every event: "*") that, being configuration, survives
        `reset`; a `connect` one gets the events of connected accounts instead of the
        platform's. `api_version`: the endpoint's own (None: the account's default)."""
        with self.lock:
            return create_endpoint(self.store, url, list(events), secret=secret, configured=True,
                                   connect=connect, api_version=api_version)

    def reset(self, clock_start=None):
        """Forget every object, key, fault, log line and pending delivery; the clock starts again
        at `clock_start` (a Unix time), or else at the start it was created with."""
        with self.lock:
            self.store.keep_only(lambda obj, private: private.get("configured", False))
            self.idempotency.clear()
            self.faults.clear()
            self.requests.clear()
            self.search_lag = self.search_lag_start
            self.dispatcher.reset()
            self.clock.reset(self.clock_start if clock_start is None else clock_start)

    def close(self):
        """Stop the webhook worker; call once the server has stopped."""
        self.dispatcher.close()


@dataclass
class Call:
    """One API request as the endpoints see it."""
    emulator: Emulator
    publishable: bool = False
    base_url: str = ""
    api_version: str = DEFAULT_API_VERSION
    request_id: str = None
    idempotency_key: str = None
    account: str = None     # the connected account named by Stripe-Account; None: the platform
    key_hint: str = None    # the API key as Stripe masks it in messages

    @property
    def store(self):
        return self.emulator.store
