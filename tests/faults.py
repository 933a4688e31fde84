"""Faults injected into the local Stripe's next requests (stripe_emulator/machinery/faults.py):
the one helper behind the `faults` fixture (tests/conftest.py)."""
import requests

PAYMENT_INTENTS = "/v1/payment_intents"


def inject(stripe_url, kind, path=PAYMENT_INTENTS, method="POST", **spec):
    """The next `count` (1) `method` requests under `path` fail as `kind` says ("500", "429",
    "drop", "delay" with delay_ms); the fault as the local Stripe recorded it."""
    response = requests.post(f"{stripe_url}/_emulator/faults",
                             json={"kind": kind, "method": method, "path": path, **spec})
    response.raise_for_status()
    return response.json()


def clear(stripe_url):
    requests.delete(f"{stripe_url}/_emulator/faults").raise_for_status()
