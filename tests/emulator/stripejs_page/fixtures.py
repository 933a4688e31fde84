"""Fixtures for the Stripe.js tests: the emulator and the host page on two loopback ports."""
import pytest
import stripe

from stripe_emulator import create_app
from tests.conformance import RECORDER
from tests.servers import LiveServer

from . import create_page_app


@pytest.fixture(scope="module")
def emulator():
    with LiveServer(RECORDER.wrap(create_app())) as server:
        yield server


@pytest.fixture(scope="module")
def host(emulator):
    with LiveServer(create_page_app(emulator.url)) as server:
        yield server


@pytest.fixture
def stripe_client(emulator):
    return stripe.StripeClient("sk_test_stripejs", base_addresses={"api": emulator.url})


@pytest.fixture
def problems(page):
    """Console errors, uncaught exceptions and CSP violations seen while the test runs."""
    seen = []
    page.on("console", lambda m: seen.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.append(f"pageerror: {e}"))
    yield seen


@pytest.fixture
def host_page(page, host, problems):
    """The host page with every Element ready; fails the test on console errors or CSP
    violations."""
    page.goto(host.url + "/")
    page.wait_for_function(
        "() => window.events && window.events.filter(e => e.event === 'ready').length === 4"
    )
    yield page
    violations = page.evaluate("() => window.cspViolations")
    assert violations == [], violations
    assert problems == [], problems
