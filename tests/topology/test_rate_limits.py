"""Rate limits hold for the shop as a whole: both instances count in the one Redis, per client
address as nginx saw it (TRUSTED_PROXIES=1), whatever a client writes in its own headers."""
import ssl
from http.client import HTTPSConnection

import redis
import requests

from tests.topology.clients import forwarded

# A card tester's pay request: no page, no token. Refused (400), but counted like any other.
PAY = "/p/organic-tee/pay"
FORM = "email=tester%40example.com&payment_method=pm_card_visa&expected_total=1"


def pay_limit(response):
    """The per-minute limit the shop announces (RATELIMIT_PAY, "10 per minute;30 per hour")."""
    return int(response.headers["X-RateLimit-Limit"])


def test_the_pay_limit_holds_across_both_instances(production, client_address):
    first, second = production.instances
    statuses, limit = [], None
    for number in range(24):
        base = (first, second)[number % 2]  # one request to each instance in turn
        response = requests.post(f"{base}{PAY}", data=FORM, allow_redirects=False, timeout=10,
                                 headers=forwarded(production, client_address) | {
                                     "Content-Type": "application/x-www-form-urlencoded",
                                     "Accept": "application/json"})
        limit = limit or pay_limit(response)
        statuses.append((base, response.status_code))
    print(f"limit {limit}: {[status for _, status in statuses]}")
    assert limit < 24 // 2  # below what each instance alone would let through
    assert [status for _, status in statuses[:limit]] == [400] * limit
    assert [status for _, status in statuses[limit:]] == [429] * (24 - limit)
    assert {base for base, status in statuses if status == 429} == {first, second}
    # The count both instances share is in the run's Redis (RATELIMIT_STORAGE_URI).
    with redis.Redis.from_url(production.redis_url) as store:
        assert store.keys(f"*{client_address}*")


def post_from(production, address, headers=()):
    """POST the card tester's form to nginx from `address`; the status code."""
    host, port = production.host.rsplit(":", 1)
    connection = HTTPSConnection(host, int(port), timeout=10, source_address=(address, 0),
                                 context=ssl.create_default_context(cafile=production.ca_file))
    try:
        connection.request("POST", PAY, FORM, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
            **dict(headers)})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("X-RateLimit-Limit")
    finally:
        connection.close()


def test_each_client_address_is_counted_and_cannot_be_forged(production):
    tester, neighbour = "127.0.0.2", "127.0.0.3"
    status, limit = post_from(production, tester)
    statuses = [status] + [post_from(production, tester)[0] for _ in range(int(limit))]
    assert statuses == [400] * int(limit) + [429]
    # A forged X-Forwarded-For, whether a stranger's address or the neighbour's, changes nothing:
    # nginx replaces it with the address the connection came from.
    assert post_from(production, tester, {"X-Forwarded-For": "198.51.100.7"})[0] == 429
    assert post_from(production, tester, {"X-Forwarded-For": neighbour})[0] == 429
    # The neighbour, a different address, still has its whole allowance.
    assert post_from(production, neighbour)[0] == 400
