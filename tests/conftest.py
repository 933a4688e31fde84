import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's chromium: Playwright's own browser download is not reachable here.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def local_stripe():
    """The local Stripe, in-process on a free loopback port, for the whole session."""
    from stripe_emulator import create_app as create_emulator

    from tests.servers import LiveServer

    emulator = create_emulator(webhook_retry_delays=(0.2, 0.5))
    with LiveServer(emulator) as server:
        server.control = emulator.extensions["stripe_emulator"]
        yield server
    emulator.extensions["stripe_emulator"].close()


@pytest.fixture
def stripe_requests(local_stripe):
    """Read the local Stripe's request log, from the start of the test."""
    import requests

    start = len(requests.get(f"{local_stripe.url}/_emulator/requests").json())

    def since_start(**filters):
        log = requests.get(f"{local_stripe.url}/_emulator/requests").json()[start:]
        return [r for r in log if all(r.get(k) == v for k, v in filters.items())]

    return since_start


@pytest.fixture
def app_config():
    """Extra settings for the `app` fixture; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def make_app(local_stripe, tmp_path):
    """Build the shop for the local Stripe with the demo catalog; keyword arguments override
    settings (a module can then override `app` with its own)."""
    from storefront import create_app
    from storefront.cli import load_products
    from storefront import catalog
    from storefront.extensions import db

    def make(**overrides):
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'shop.db'}",
            STRIPE_API_BASE=local_stripe.url,
            STRIPE_JS_URL=f"{local_stripe.url}/v3/",
            **overrides,
        )
        with app.app_context():
            db.create_all()
            load_products(catalog.load_catalog(app.config["CATALOG_PATH"]))
        return app

    return make


@pytest.fixture
def app(make_app, app_config):
    return make_app(**app_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def shop(app, local_stripe):
    """The shop on a free loopback port, for the browser, receiving the local Stripe's webhooks
    through an endpoint registered the way one is on real Stripe."""
    import stripe

    from tests.servers import LiveServer

    stripe_client = stripe.StripeClient("sk_test_testing", base_addresses={"api": local_stripe.url})
    with LiveServer(app) as server:
        endpoint = stripe_client.v1.webhook_endpoints.create(
            {"url": f"{server.url}/webhooks/stripe", "enabled_events": ["*"]}
        )
        app.config["STRIPE_WEBHOOK_SECRET"] = endpoint.secret
        yield server
        stripe_client.v1.webhook_endpoints.delete(endpoint.id)


@pytest.fixture
def stripe_client(local_stripe):
    import stripe

    return stripe.StripeClient("sk_test_testing", base_addresses={"api": local_stripe.url}).v1


@pytest.fixture
def orders(app):
    """Read the shop's orders as the database has them now."""

    def read():
        from storefront.extensions import db
        from storefront.models import Order

        with app.app_context():
            rows = db.session.scalars(db.select(Order).order_by(Order.id)).all()
            db.session.expunge_all()
            return rows

    return read
