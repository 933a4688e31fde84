"""How long one emulator API call takes: `.venv/bin/python bench/emulator_bench.py [-n 500]`.

Times PaymentIntent create+confirm (one call, as the storefront makes it) and PaymentMethod
creation through the official stripe library against the emulator served in-process by a
threaded werkzeug server on loopback, then the same create+confirm through Flask's test client
(no sockets, no library), and prints the median and 95th percentile of each.
"""
import argparse
import logging
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import stripe  # noqa: E402

from stripe_emulator import create_app  # noqa: E402
from tests.servers import LiveServer  # noqa: E402

SECRET_KEY, PUBLISHABLE_KEY = "sk_test_bench", "pk_test_bench"
CARD = {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12,
                                 "exp_year": 2034, "cvc": "123"}}
CARD_FORM = {"type": "card", "card[number]": "4242424242424242", "card[exp_month]": "12",
             "card[exp_year]": "2034", "card[cvc]": "123"}


def intent_params(payment_method):
    return {"amount": 2000, "currency": "usd", "payment_method": payment_method,
            "allowed_payment_method_types": ["card"], "confirmation_method": "manual",
            "confirm": True, "metadata": {"order_id": "bench"}}


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - started) * 1000


def summary(label, samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    print(f"{label:<52} median {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms")


def through_the_library(url, iterations):
    secret = stripe.StripeClient(SECRET_KEY, base_addresses={"api": url})
    publishable = stripe.StripeClient(PUBLISHABLE_KEY, base_addresses={"api": url})
    create_confirm, payment_methods = [], []
    for _ in range(iterations):
        payment_method, elapsed = timed(lambda: publishable.v1.payment_methods.create(CARD))
        payment_methods.append(elapsed)
        intent, elapsed = timed(
            lambda: secret.v1.payment_intents.create(intent_params(payment_method.id)))
        assert intent.status == "succeeded"
        create_confirm.append(elapsed)
    return create_confirm, payment_methods


def through_the_test_client(app, iterations):
    client = app.test_client()
    samples = []
    for _ in range(iterations):
        payment_method = client.post("/v1/payment_methods", data=CARD_FORM,
                                     headers={"Authorization": f"Bearer {PUBLISHABLE_KEY}"})
        form = {"amount": "2000", "currency": "usd", "payment_method": payment_method.json["id"],
                "allowed_payment_method_types[0]": "card", "confirmation_method": "manual",
                "confirm": "true", "metadata[order_id]": "bench"}
        response, elapsed = timed(lambda: client.post(
            "/v1/payment_intents", data=form, headers={"Authorization": f"Bearer {SECRET_KEY}"}))
        assert response.json["status"] == "succeeded"
        samples.append(elapsed)
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--iterations", type=int, default=500)
    iterations = parser.parse_args().iterations
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log in the timings
    app = create_app()
    with LiveServer(app) as server:
        through_the_library(server.url, 20)  # warm up connections and code paths
        create_confirm, payment_methods = through_the_library(server.url, iterations)
    test_client = through_the_test_client(app, iterations)
    app.extensions["stripe_emulator"].close()
    print(f"{iterations} iterations, Python {sys.version.split()[0]}, stripe {stripe.VERSION}")
    summary("PaymentIntent create+confirm (stripe library, HTTP)", create_confirm)
    summary("PaymentMethod create (stripe library, HTTP)", payment_methods)
    summary("PaymentIntent create+confirm (Flask test client)", test_client)


if __name__ == "__main__":
    main()
