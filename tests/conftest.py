import os
import pathlib

import pytest
import sqlalchemy
from hypothesis import settings as hypothesis_settings
from sqlalchemy.pool import NullPool

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# `make test-stripe` (scripts/test-stripe.sh): the suite against Stripe's test mode, with the keys
# in STRIPE_SECRET_KEY / STRIPE_PUBLISHABLE_KEY, instead of the local Stripe.
AGAINST_STRIPE = os.environ.get("TEST_AGAINST_STRIPE") == "1"
# Fixtures that reach the local Stripe's own controls (faults, clock, request log): a test that
# uses one, or any test of the emulator itself, is local_stripe_only.
LOCAL_STRIPE_FIXTURES = {"local_stripe", "stripe_requests"}
EMULATOR_TESTS = pathlib.Path(__file__).parent / "emulator"


def pytest_configure(config):
    """Under pytest-xdist (`make test` runs workers side by side), each worker empties its own
    PostgreSQL database, made beside TEST_DATABASE_URL's, so that no worker drops another's
    tables mid-test. Before anything imports config.py, which reads the variable."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if not (worker and url):
        return
    base = sqlalchemy.make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = sqlalchemy.create_engine(base, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(sqlalchemy.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": own.database}).scalar()
        if not exists:
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if LOCAL_STRIPE_FIXTURES & set(getattr(item, "fixturenames", ())) or \
                EMULATOR_TESTS in pathlib.Path(item.path).parents:
            item.add_marker(pytest.mark.local_stripe_only)
        if AGAINST_STRIPE and item.get_closest_marker("local_stripe_only"):
            item.add_marker(pytest.mark.skip(reason="needs the local Stripe"))

# Hypothesis's per-example deadline (200 ms) is a timed assert: on a loaded shared machine a pure
# pricing example once took 400 ms and failed. pytest-timeout bounds every test instead.
hypothesis_settings.register_profile("no-deadline", deadline=None)
hypothesis_settings.load_profile("no-deadline")


def pytest_report_header():
    # `make test` runs the suite twice; this line tells the two runs apart.
    url = os.environ.get("TEST_DATABASE_URL")
    stripe = "Stripe's test mode" if AGAINST_STRIPE else "the local Stripe"
    if not url:
        return f"database: SQLite, a new file per test; payments: {stripe}"
    return (f"database: {sqlalchemy.make_url(url).render_as_string(hide_password=True)}; "
            f"payments: {stripe}")


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
    from tests.request_conformance import SOURCE as REQUEST_SOURCE

    yield RECORDER
    problems = RECORDER.problems()
    assert not problems, (f"{len(problems)} answers of the local Stripe differ from {SOURCE}:\n"
                          + "\n".join(problems[:40]))
    refused = RECORDER.request_problems()
    assert not refused, (f"{len(refused)} parameters sent to the local Stripe are not in "
                         f"{REQUEST_SOURCE}:\n" + "\n".join(refused[:60]))


@pytest.fixture(autouse=True)
def invalid_stripe_params(request):
    """A test marked invalid_stripe_params sends Stripe bad parameters on purpose: its requests
    are left out of the request check (tests/request_conformance.py), and only its."""
    from tests.conformance import RECORDER

    RECORDER.exempt = request.node.get_closest_marker("invalid_stripe_params") is not None
    yield
    RECORDER.exempt = False


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
def fresh_local_stripe(local_stripe):
    """The local Stripe as new, its clock real again: a session-wide local Stripe whose clock an
    earlier test advanced would refuse a Checkout Session the shop dates by the real clock.
    Use it first (pytest.mark.usefixtures), before anything creates objects there."""
    import requests

    requests.post(f"{local_stripe.url}/_emulator/reset").raise_for_status()


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
def outbox(app):
    """The emails the shop sent (MAIL_BACKEND "memory"), empty at the start of the test."""
    box = app.extensions.setdefault("mail_outbox", [])
    box.clear()
    return box


@pytest.fixture
def faults(local_stripe):
    """Inject faults into the local Stripe's next requests: faults(kind, path=…, **spec)
    (tests/faults.py); whatever is left pending is cleared after the test."""
    from tests import faults as injected

    yield lambda kind, **spec: injected.inject(local_stripe.url, kind, **spec)
    injected.clear(local_stripe.url)


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


def closing_client_class():
    from flask.testing import FlaskClient

    class ClosingClient(FlaskClient):
        """A test client that, like a real server, finishes each response before returning it:
        what the shop does after the response (sending a receipt, storefront/orders/outbox.py) has
        happened when the test reads the answer."""

        def open(self, *args, buffered=True, **kwargs):
            return super().open(*args, buffered=buffered, **kwargs)

    return ClosingClient


@pytest.fixture
def stripe_settings(request):
    """The shop's Stripe settings: the local Stripe's URLs, or Stripe's test mode keys.

    Stripe.js is `v3/`, unless a test parametrizes this fixture (indirect=True) with another
    path on the same origin, a release's: `dahlia/stripe.js` (both Stripes serve those)."""
    stripe_js = getattr(request, "param", "v3/")
    if AGAINST_STRIPE:
        return {"STRIPE_SECRET_KEY": os.environ["STRIPE_SECRET_KEY"],
                "STRIPE_PUBLISHABLE_KEY": os.environ["STRIPE_PUBLISHABLE_KEY"],
                "STRIPE_API_BASE": None, "STRIPE_JS_URL": f"https://js.stripe.com/{stripe_js}"}
    # Looked up here, not named as an argument: only tests that name it are local-only.
    local = request.getfixturevalue("local_stripe")
    return {"STRIPE_API_BASE": local.url, "STRIPE_JS_URL": f"{local.url}/{stripe_js}"}


# The checkout tests marked both_api_versions run at the stripe library's own API version and at
# this older one, set through the shop's STRIPE_API_VERSION: the local Stripe answers each as
# that version does (stripe_emulator/machinery/versions.py).
OLDER_API_VERSION = "2025-09-30.clover"


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("both_api_versions"):
        from stripe._api_version import _ApiVersion

        metafunc.parametrize("stripe_api_version", [_ApiVersion.CURRENT, OLDER_API_VERSION],
                             ids=["library-version", "clover"], indirect=True)


@pytest.fixture
def stripe_api_version(request):
    """The shop's STRIPE_API_VERSION: its default (the library's), or the parametrized one."""
    return getattr(request, "param", None)


@pytest.fixture
def make_app(stripe_settings, database_url, stripe_api_version):
    """Build the shop for the local Stripe with the demo catalog, on this test's database; keyword
    arguments override settings (a module can then override `app` with its own)."""
    from storefront import create_app
    from storefront.catalog import products
    from storefront.checkout import snapshot
    from storefront.cli import load_products
    from storefront.web.extensions import db

    made = []

    def make(**overrides):
        version = {"STRIPE_API_VERSION": stripe_api_version} if stripe_api_version else {}
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=database_url,
            **{**stripe_settings, **version, **overrides},
        )
        app.test_client_class = closing_client_class()
        made.append(app)
        with app.app_context():
            db.create_all()
            load_products(products.load_catalog(app.config["CATALOG_PATH"]))
        return app

    yield make
    # Each app has its own pool: close its connections rather than leave them to the server.
    for app in made:
        with app.app_context():
            db.engine.dispose()
        snapshot.dispose(app)


@pytest.fixture
def app(make_app, app_config):
    return make_app(**app_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def shop(app, request):
    """The shop on a free loopback port, for the browser, receiving Stripe's webhooks: the local
    Stripe's through an endpoint registered the way one is on real Stripe (at the shop's API
    version), or Stripe's own through `stripe listen --forward-to` (the Stripe CLI)."""
    from tests.servers import LiveServer

    with LiveServer(app) as server:
        if AGAINST_STRIPE:
            from tests.stripe_listen import forwarding

            with forwarding(f"{server.url}/webhooks/stripe") as secret:
                app.config["STRIPE_WEBHOOK_SECRET"] = secret
                yield server
            return
        from storefront.payments.webhooks import EVENTS

        client = request.getfixturevalue("stripe_client")
        # The events the shop handles, as `flask stripe webhooks` subscribes a real endpoint.
        endpoint = client.webhook_endpoints.create(
            {"url": f"{server.url}/webhooks/stripe", "enabled_events": list(EVENTS),
             "api_version": app.config["STRIPE_API_VERSION"]}
        )
        app.config["STRIPE_WEBHOOK_SECRET"] = endpoint.secret
        yield server
        client.webhook_endpoints.delete(endpoint.id)


@pytest.fixture
def stripe_client(stripe_settings):
    """What the shop's server may do at Stripe (the secret key), for tests to look."""
    import stripe

    if AGAINST_STRIPE:
        return stripe.StripeClient(stripe_settings["STRIPE_SECRET_KEY"]).v1
    return stripe.StripeClient("sk_test_testing",
                               base_addresses={"api": stripe_settings["STRIPE_API_BASE"]}).v1


@pytest.fixture
def orders(app):
    """Read the shop's orders as the database has them now."""

    def read():
        from storefront.models import Order
        from storefront.web.extensions import db

        with app.app_context():
            rows = db.session.scalars(db.select(Order).order_by(Order.id)).all()
            db.session.expunge_all()
            return rows

    return read


@pytest.fixture
def console_errors(page):
    """What the page logged as errors (a Content-Security-Policy violation among them)."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
