"""Stripe's webhooks for `make test-stripe`: the Stripe CLI's `stripe listen --forward-to`
relays the test mode account's events to the shop on loopback, signed with its own secret."""
import contextlib
import os
import shutil
import subprocess
import time

import pytest

from storefront.payments.webhooks import EVENTS

STARTUP_SECONDS = 30


@contextlib.contextmanager
def forwarding(url):
    """Forward the events the shop handles (webhooks.EVENTS) to `url` while inside; yields the
    whsec_ secret they are signed with."""
    cli = shutil.which("stripe")
    if cli is None:
        pytest.skip("webhooks from Stripe need the Stripe CLI (`stripe`) on PATH")
    key = ["--api-key", os.environ["STRIPE_SECRET_KEY"]]
    secret = subprocess.run([cli, "listen", "--print-secret", *key], capture_output=True,
                            text=True, timeout=STARTUP_SECONDS, check=True).stdout.strip()
    listener = subprocess.Popen([cli, "listen", "--forward-to", url, "--events", ",".join(EVENTS),
                                 *key],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        for line in listener.stderr:  # the CLI says "Ready!" once it relays events
            if "Ready" in line:
                break
            if time.monotonic() > deadline:
                pytest.fail("`stripe listen` did not get ready")
        yield secret
    finally:
        listener.terminate()
        listener.wait(timeout=10)
