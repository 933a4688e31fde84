"""The same pay request, sent at once to both instances directly and through nginx, charges
once: the order's lease and its idempotency key live in the shared PostgreSQL."""
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.helpers import card
from tests.topology.clients import Customer
from tests.topology.database import order_row

SLUG = "city-lights-poster"


def test_one_pay_request_at_both_instances_and_through_nginx_charges_once(
        production, client_address, stripe_client):
    customer = Customer(production, client_address)
    customer.open_checkout(SLUG)
    form = customer.pay_form(card(stripe_client), email="double@example.com")
    # Twice through nginx (it sends each to one instance or the other) and twice to each.
    targets = [None, None, *production.instances, *production.instances]
    with ThreadPoolExecutor(len(targets)) as pool:
        answers = list(pool.map(lambda base: customer.post(f"/p/{SLUG}/pay", form, base), targets))

    assert [answer.status_code for answer in answers] == [200] * len(targets)
    assert {answer.json()["next"] for answer in answers} == {"receipt"}
    [public_id] = {answer.json()["order"] for answer in answers}
    order = order_row(production, public_id)
    assert order["status"] == "paid"

    intents = stripe_client.payment_intents.search(
        {"query": f"metadata['order_public_id']:'{public_id}'"}).data
    assert [(intent.status, intent.amount) for intent in intents] == [("succeeded", order["total"])]
    sent = requests.get(f"{production.stripe_url}/_emulator/requests",
                        params={"metadata[order_id]": str(order["id"]), "method": "POST",
                                "path_prefix": "/v1/payment_intents"}, timeout=10).json()
    # One call with the secret key, however many requests the shop got: the rest waited for the
    # order's lease and answered from the order.
    assert len([r for r in sent if r["key_kind"] == "secret"]) == 1
