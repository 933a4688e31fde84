"""The production topology from outside: tests that run only under scripts/with-production.sh
(`make test-production`), against nginx, the two gunicorn instances, the local Stripe and the SMTP
server it started. Anywhere else every test here is skipped, at once.

The instances keep their state for the whole run (one database, one Redis), so each test uses
its own client address: rate limits count per address, and one test's requests must not spend
another's.
"""
import base64
import hashlib
import itertools
import os
import re
from pathlib import Path

import pytest

from tests.topology.clients import Production

HERE = Path(__file__).parent
SKIP = pytest.mark.skip(reason="production topology only: scripts/with-production.sh "
                               ".venv/bin/python -m pytest tests/topology (make test-production)")


def running():
    return bool(os.environ.get("PRODUCTION_URL"))


def pytest_collection_modifyitems(config, items):
    if running():
        return
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(SKIP)


@pytest.fixture(scope="session")
def production():
    return Production.from_environment()


# Client addresses: the whole of 127.0.0.0/8 reaches loopback, so each test's clients connect to
# nginx from an address of their own (the browser's is 127.0.0.1). Reserved: .2 and .3 for the
# X-Forwarded-For test.
_addresses = itertools.count(10)


@pytest.fixture
def client_address():
    return f"127.0.0.{next(_addresses)}"


@pytest.fixture
def client_addresses():
    """`client_addresses(n)`: n addresses of this test's own."""
    return lambda count: [f"127.0.0.{next(_addresses)}" for _ in range(count)]


@pytest.fixture
def stripe_client(production):
    import stripe

    return stripe.StripeClient(production.stripe_secret_key,
                               base_addresses={"api": production.stripe_url}).v1


def spki_sha256(cert_file):
    """The base64 SHA-256 of the certificate's public key, as Chromium pins it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    pem = re.search(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----",
                    Path(cert_file).read_bytes(), re.S).group()
    public_key = x509.load_pem_x509_certificate(pem).public_key()
    spki = public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Chromium trusts nginx's certificate, that one key only: the run's CA is not the system's."""
    if not running():
        return browser_type_launch_args
    pin = spki_sha256(os.environ["PRODUCTION_CERT_FILE"])
    args = [*browser_type_launch_args.get("args", []), f"--ignore-certificate-errors-spki-list={pin}"]
    return {**browser_type_launch_args, "args": args}


def pytest_terminal_summary(terminalreporter):
    """The run's figures: orders, charges and receipts, and what each instance served."""
    if not running():
        return
    from tests.topology.faults import OUTCOMES
    from tests.topology.figures import fault_lines, figures

    terminalreporter.section("production topology")
    for line in [*figures(Production.from_environment()), *fault_lines(OUTCOMES)]:
        terminalreporter.write_line(line)
