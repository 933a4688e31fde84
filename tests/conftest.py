import os

import pytest
import sqlalchemy
from sqlalchemy.pool import NullPool

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_report_header():
    # `make test` runs the suite twice; this line tells the two runs apart.
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "database: SQLite, a new file per test"
    return f"database: {sqlalchemy.make_url(url).render_as_string(hide_password=True)}"


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


@pytest.fixture(scope="session", autouse=True)
def stripe_conformance():
    """Every answer the local Stripe gave during the session must look like Stripe's
    (tests/conformance.py): checked once, at the end."""
    from tests.conformance import RECORDER, SOURCE

    yield RECORDER
    problems = RECORDER.problems()
    assert not problems, (f"{len(problems)} answers of the local Stripe differ from {SOURCE}:\n"
                          + "\n".join(problems[:40]))


@pytest.fixture(scope="session")
def local_stripe():
    """The local Stripe, in-process on a free loopback port, for the whole session."""
    from stripe_emulator import create_app as create_emulator

    from tests.conformance import RECORDER
    from tests.servers import LiveServer

    emulator = RECORDER.wrap(create_emulator(webhook_retry_delays=(0.2, 0.5)))
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


def empty_postgresql(url):
    """Drop everything in the test database, after ending the connections an earlier test may have
    left (a live server's request thread, say), whose open transactions would block the drop."""
    engine = sqlalchemy.create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ))
        # Terminated sessions release their locks at once; anything else fails the test, not hangs.
        connection.execute(sqlalchemy.text("SET lock_timeout = '10s'"))
        connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE"))
        connection.execute(sqlalchemy.text("CREATE SCHEMA public"))
        connection.commit()
    engine.dispose()


@pytest.fixture
def database_url(tmp_path):
    """An empty database for one test: TEST_DATABASE_URL's, emptied, or else a new SQLite file."""
    from config import TestingConfig

    if not os.environ.get("TEST_DATABASE_URL"):
        return f"sqlite:///{tmp_path / 'shop.db'}"
    empty_postgresql(TestingConfig.SQLALCHEMY_DATABASE_URI)
    return TestingConfig.SQLALCHEMY_DATABASE_URI


@pytest.fixture
def make_app(local_stripe, database_url):
    """Build the shop for the local Stripe with the demo catalog, on this test's database; keyword
    arguments override settings (a module can then override `app` with its own)."""
    from storefront import create_app
    from storefront.cli import load_products
    from storefront import catalog
    from storefront.extensions import db

    made = []

    def make(**overrides):
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=database_url,
            STRIPE_API_BASE=local_stripe.url,
            STRIPE_JS_URL=f"{local_stripe.url}/v3/",
            **overrides,
        )
        made.append(app)
        with app.app_context():
            db.create_all()
            load_products(catalog.load_catalog(app.config["CATALOG_PATH"]))
        return app

    yield make
    # Each app has its own pool: close its connections rather than leave them to the server.
    for app in made:
        with app.app_context():
            db.engine.dispose()


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
