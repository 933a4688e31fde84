"""The emulator's API tests: one emulator and one webhook receiver for the session, both reset
before each test, and the official `stripe` library talking to them."""
import threading
import time

import pytest
import requests
import stripe
from flask import Flask, request

from stripe_emulator import create_app
from tests.conformance import RECORDER
from tests.emulator.clock import MONDAY_MORNING
from tests.servers import LiveServer

SECRET_KEY = "sk_test_emulator_tests"
PUBLISHABLE_KEY = "pk_test_emulator_tests"
WEBHOOK_SECRET = "whsec_emulator_tests"
RETRY_DELAYS = (0.05, 0.1)


class QuickRetryClient(stripe.RequestsClient):
    """The library's own HTTP client, pausing `pause` seconds between retries instead of its
    0.5 s and more, so retry tests stay fast."""

    def __init__(self, pause=0.01, **kwargs):
        super().__init__(**kwargs)
        self.pause = pause

    def _sleep_time_seconds(self, num_retries):
        return self.pause


class WebhookReceiver:
    """Records every POST (path, raw body, headers); answers 500 to the next `fail_next`."""

    def __init__(self):
        self.app = Flask("webhook_receiver")
        self.app.add_url_rule("/<path:name>", "receive", self._receive, methods=["POST"])
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.received = []
            self.fail_next = 0
            self.delay = 0

    def _receive(self, name):
        time.sleep(self.delay)
        with self._lock:
            failing = self.fail_next > 0
            self.fail_next -= failing
            self.received.append({"path": "/" + name, "body": request.get_data(),
                                  "headers": dict(request.headers),
                                  "answered": 500 if failing else 200})
        return ("no", 500) if failing else ("ok", 200)

    def wait_for(self, predicate, count=1, timeout=5):
        """The first `count` deliveries matching `predicate`, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                matching = [delivery for delivery in self.received if predicate(delivery)]
            if len(matching) >= count or time.monotonic() > deadline:
                return matching
            time.sleep(0.01)


class Emulator:
    """The running emulator: its URL, its control endpoints, and stripe clients for it."""

    def __init__(self, url, state):
        self.url = url
        self.state = state

    def client(self, key=SECRET_KEY, **options):
        options.setdefault("http_client", QuickRetryClient())
        return stripe.StripeClient(key, base_addresses={"api": self.url}, **options)

    def control(self, verb, route, /, **body):
        response = requests.request(verb, f"{self.url}/_emulator{route}", json=body or None)
        response.raise_for_status()
        return response.json()

    def now(self):
        """The emulator's clock, which started at the test's `clock_start`."""
        return self.control("GET", "/clock")["now"]

    def requests_log(self, **filters):
        entries = requests.get(f"{self.url}/_emulator/requests").json()
        return [entry for entry in entries
                if all(entry[name] == value for name, value in filters.items())]

    def fault(self, kind, **spec):
        return self.control("POST", "/faults", kind=kind, **spec)


@pytest.fixture(scope="session")
def webhook_server():
    receiver = WebhookReceiver()
    with LiveServer(receiver.app) as server:
        receiver.url = server.url
        yield receiver


@pytest.fixture(scope="session")
def emulator_server(webhook_server):
    app = RECORDER.wrap(create_app(webhooks=[(f"{webhook_server.url}/hook", WEBHOOK_SECRET)],
                                   webhook_retry_delays=RETRY_DELAYS))
    with LiveServer(app) as server:
        yield Emulator(server.url, app.extensions["stripe_emulator"])
    app.extensions["stripe_emulator"].close()


@pytest.fixture
def clock_start():
    """The instant the emulator's clock starts at for this test; parametrize to choose another."""
    return MONDAY_MORNING


@pytest.fixture
def emulator(emulator_server, webhook_server, clock_start):
    """The emulator, with no objects, faults, keys, log lines or deliveries left from earlier
    tests (a reset returns once no earlier delivery is still on its way), its clock started at
    `clock_start`."""
    emulator_server.control("POST", "/reset", clock_start=clock_start)
    webhook_server.reset()
    return emulator_server


@pytest.fixture
def webhook_receiver(emulator, webhook_server):
    return webhook_server


@pytest.fixture
def stripe_client(emulator):
    """A server's client: the secret key."""
    return emulator.client()


@pytest.fixture
def browser_client(emulator):
    """What Stripe.js may do: the publishable key."""
    return emulator.client(PUBLISHABLE_KEY)


@pytest.fixture
def card(browser_client):
    """card("4242…") → a PaymentMethod created with the publishable key, as Stripe.js does."""
    def create(number, exp_month=12, exp_year=2034, cvc=None, **extra):
        details = {"number": number, "exp_month": exp_month, "exp_year": exp_year,
                   "cvc": cvc or ("1234" if number.startswith(("34", "37")) else "123")}
        return browser_client.v1.payment_methods.create(
            {"type": "card", "card": details, **extra})
    return create


@pytest.fixture
def pay(stripe_client):
    """pay(pm) → the storefront's one call: create and confirm, manual confirmation."""
    def create(payment_method, **params):
        return stripe_client.v1.payment_intents.create({
            "amount": 2000, "currency": "usd", "payment_method": payment_method,
            "allowed_payment_method_types": ["card"], "confirmation_method": "manual",
            "confirm": True, **params})
    return create


@pytest.fixture
def challenge(browser_client):
    """challenge(intent, "complete" | "fail") → the intent, as the 3-D Secure page answers."""
    def answer(intent, outcome, client_secret=None):
        response = browser_client.raw_request(
            "post", f"/v1/payment_intents/{intent.id}/three_ds_challenge",
            client_secret=client_secret or intent.client_secret, outcome=outcome)
        return browser_client.deserialize(response, api_mode="V1")
    return answer


@pytest.fixture
def event_types(stripe_client):
    """event_types(object_id) → types of the events about that object, oldest first."""
    def types(object_id):
        listed = stripe_client.v1.events.list({"limit": 100})
        return [event.type for event in reversed(listed.data)
                if event.data.object.id == object_id]
    return types
