"""The local Stripe and a shop, in-process on free loopback ports, as the scenarios use them."""
import contextlib
import time
from collections import Counter
from dataclasses import dataclass

import requests
import stripe as stripe_library

from storefront import create_app as create_shop
from storefront.catalog import products
from storefront.cli import load_products
from storefront.models import Order
from storefront.orders.mail import OUTBOX
from storefront.payments import gateway
from storefront.payments.reconcile import reconcile
from storefront.payments.webhooks import CONNECT_EVENTS, EVENTS
from storefront.web.extensions import db
from stripe_emulator import create_app as create_emulator
from tests.servers import LiveServer

SECRET_KEY, PUBLISHABLE_KEY = "sk_test_reliability", "pk_test_reliability"
# Stripe retries a failed delivery for days; here within seconds, so a run can wait for them.
WEBHOOK_RETRY_DELAYS = (0.2, 0.5, 1, 2)
HTTP_TIMEOUT = 30  # seconds for any one control or checker request
FINAL = ("succeeded", "failed")  # a delivery's outcome once the emulator stops retrying it


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        time.sleep(0.1)


class LocalStripe:
    """The emulator's API through the official library, and its /_emulator/ controls."""

    def __init__(self, url):
        self.url = url
        self.control = f"{url}/_emulator"
        self.api = stripe_library.StripeClient(SECRET_KEY, base_addresses={"api": url}).v1
        # Stripe.js makes PaymentMethods in the browser, with the publishable key.
        self._browser = stripe_library.StripeClient(PUBLISHABLE_KEY,
                                                    base_addresses={"api": url}).v1

    def _post(self, endpoint, **json):
        response = requests.post(f"{self.control}{endpoint}", json=json, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()

    def _get(self, endpoint):
        response = requests.get(f"{self.control}{endpoint}", timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()

    def card(self, number):
        return self._browser.payment_methods.create({
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        }).id

    def reset(self):
        self._post("/reset")

    def fault(self, kind, **spec):
        """The next charge call (create or confirm a PaymentIntent) fails as `kind` says."""
        self._post("/faults", kind=kind, method="POST", path="/v1/payment_intents", **spec)

    def clear_faults(self):
        requests.delete(f"{self.control}/faults", timeout=HTTP_TIMEOUT).raise_for_status()

    def hold(self):
        self._post("/events/hold")

    def release(self, order, seed=None):
        return self._post("/events/release", order=order, seed=seed)["released"]

    def redeliver(self, event_id):
        self._post(f"/events/{event_id}/deliver")

    def request_log(self):
        return self._get("/requests")

    def charge_calls(self):
        """The shop's calls that can move money: POSTs to /v1/payment_intents…, faulted or not
        (a fault strikes before the key is read, so only the browser's key is left out)."""
        return [entry for entry in self.request_log()
                if entry["method"] == "POST" and entry["path"].startswith("/v1/payment_intents")
                and entry["key_kind"] != "publishable"]

    def deliveries(self):
        return self._get("/deliveries")

    def event_ids(self):
        """The events the shop's endpoints are subscribed to (webhooks.EVENTS, CONNECT_EVENTS):
        the others are never delivered."""
        wanted = set(EVENTS) | set(CONNECT_EVENTS)
        return [event.id for event in self.api.events.list({"limit": 100}).auto_paging_iter()
                if event.type in wanted]

    def intents(self):
        return [intent.to_dict() for intent in
                self.api.payment_intents.list({"limit": 100}).auto_paging_iter()]

    def wait_until_idle(self, timeout=30):
        """Until every API request has finished, including those whose caller gave up on them."""
        wait_for(lambda: not any(entry["status"] is None and entry["fault"] != "drop"
                                 for entry in self.request_log()), timeout, "Stripe requests")

    def wait_for_webhooks(self, redeliveries=0, timeout=60):
        """Until every event, and `redeliveries` more, has been delivered or given up on.
        Only while no deliveries are held."""
        expected = len(self.event_ids()) + redeliveries
        wait_for(lambda: sum(d["outcome"] in FINAL for d in self.deliveries()) >= expected,
                 timeout, "webhook deliveries")


@contextlib.contextmanager
def local_stripe():
    emulator = create_emulator(webhook_retry_delays=WEBHOOK_RETRY_DELAYS)
    try:
        with LiveServer(emulator) as server:
            yield LocalStripe(server.url)
    finally:
        emulator.extensions["stripe_emulator"].close()


@dataclass(frozen=True)
class OrderRow:
    public_id: str
    email: str
    status: str
    payment_intent_id: str | None
    fulfilled: bool


class Shop:
    def __init__(self, app, url, webhook_secret):
        self.app = app
        self.url = url
        self.webhook_secret = webhook_secret

    def use_stripe_client(self, timeout, retries):
        """How long the shop waits for Stripe, and how often the library retries by itself."""
        self.app.config.update(STRIPE_TIMEOUT_SECONDS=timeout, STRIPE_MAX_NETWORK_RETRIES=retries)
        gateway.init_app(self.app)

    def orders(self):
        with self.app.app_context():
            return [OrderRow(order.public_id, order.email, order.status, order.payment_intent_id,
                             order.fulfilled_at is not None)
                    for order in db.session.scalars(db.select(Order).order_by(Order.id))]

    def receipts(self):
        """Receipts sent, by recipient (every customer in a run has an address of their own).
        A receipt goes out just after its answer (storefront/orders/outbox.py): those still queued
        are waited for."""
        wait_for(self._no_receipt_queued, 10, "receipts queued after the answers")
        return Counter(message["To"] for message in self.app.extensions.get(OUTBOX, []))

    def _no_receipt_queued(self):
        with self.app.app_context():
            return db.session.scalar(db.select(Order.id).where(
                Order.receipt_due_at.is_not(None)).limit(1)) is None

    def reconcile(self, older_than, cancel_after):
        with self.app.app_context():
            return reconcile(older_than, cancel_after)


@contextlib.contextmanager
def running_shop(local, database_url):
    """A shop on an empty database, taking the local Stripe's webhooks at /webhooks/stripe."""
    # Every customer here comes from 127.0.0.1: the per-client rate limits would count them as
    # one client trying cards, which is not what this measures.
    app = create_shop("testing", SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=False,
                      STRIPE_API_BASE=local.url, STRIPE_JS_URL=f"{local.url}/v3/")
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_products(products.load_catalog(app.config["CATALOG_PATH"]))
    try:
        with LiveServer(app) as server:
            endpoint = local.api.webhook_endpoints.create(
                {"url": f"{server.url}/webhooks/stripe", "enabled_events": list(EVENTS)})
            app.config["STRIPE_WEBHOOK_SECRET"] = endpoint.secret
            yield Shop(app, server.url, endpoint.secret)
    finally:
        with app.app_context():
            db.engine.dispose()
