"""`python -m stripe_emulator`: its own process, printing its URL, stopping cleanly."""
import signal
import subprocess
import sys

import pytest
import requests
import stripe

from tests.emulator.conftest import SECRET_KEY


@pytest.fixture
def process():
    started = []

    def start(*args):
        proc = subprocess.Popen([sys.executable, "-m", "stripe_emulator", "--port", "0", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serves_the_api_and_stops_on_a_signal(process, webhook_receiver, stop):
    proc = process("--webhook", f"{webhook_receiver.url}/cli=whsec_cli")
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:")
    assert requests.get(url + "/").status_code == 200

    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": url})
    customer = client.v1.customers.create({})
    [delivery] = webhook_receiver.wait_for(lambda d: d["path"] == "/cli")
    event = stripe.Webhook.construct_event(delivery["body"],
                                           delivery["headers"]["Stripe-Signature"], "whsec_cli")
    assert event.data.object.id == customer.id

    proc.send_signal(stop)
    assert proc.wait(timeout=10) == 0


def test_a_malformed_webhook_option_is_refused(process):
    proc = process("--webhook", "http://localhost/hook")
    assert proc.wait(timeout=10) == 2
    assert "URL=whsec_" in proc.stderr.read()


def test_connect_events_go_to_the_connect_webhook(process, webhook_receiver):
    proc = process("--webhook", f"{webhook_receiver.url}/platform=whsec_platform",
                   "--connect-webhook", f"{webhook_receiver.url}/connect=whsec_connect")
    url = proc.stdout.readline().strip()
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": url})
    account = client.v1.accounts.create({"type": "express",
                                         "capabilities": {"transfers": {"requested": True}}})
    requests.post(f"{url}/_emulator/accounts/{account.id}/enable").raise_for_status()

    [delivery] = webhook_receiver.wait_for(lambda d: d["path"] == "/connect")
    event = stripe.Webhook.construct_event(delivery["body"],
                                           delivery["headers"]["Stripe-Signature"],
                                           "whsec_connect")
    assert (event.type, event.account, event.data.object.payouts_enabled) == (
        "account.updated", account.id, True)
    assert webhook_receiver.wait_for(lambda d: d["path"] == "/platform", timeout=0.3) == []
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
