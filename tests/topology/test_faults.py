"""Faults while customers pay through nginx: Redis stopped, the SMTP server down for a while,
PostgreSQL restarted, one gunicorn instance killed mid-payment. Each test breaks the topology
with with-production.sh's control commands (faults.py) and mends it before it ends, whatever
happened. After each, nothing is lost: every charge at Stripe has one paid order, every paid
order one receipt at the SMTP server, and no customer saw a 500; an answer that says "try
again" (nginx's 502, the shop's 503 or 409) is allowed only while the fault lasts, and only
because pressing Pay again then pays (faults.PASSING)."""
import time

import redis
import requests
import sqlalchemy

from tests.helpers import card
from tests.topology import faults
from tests.topology.clients import Customer, forwarded
from tests.topology.faults import balanced_books, control, customers_pay, record
from tests.topology.test_rate_limits import FORM, PAY, pay_limit
from tests.waiting import wait_for

SLUG = "city-lights-poster"


def test_customers_pay_while_redis_is_down_and_limits_count_again_once_it_is_back(
        production, client_addresses, stripe_client):
    started = time.monotonic()
    control("redis-stop")
    try:
        # The limiter falls back to each process's memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED).
        visits = customers_pay(production, client_addresses(3), SLUG, lambda: card(stripe_client))
    finally:
        control("redis-start")
    assert [visit.statuses for visit in visits] == [[200]] * 3
    logs = "".join(path.read_text() for path in production.log_dir.glob("gunicorn-*.log"))
    assert "Rate limit storage unreachable - falling back to in-memory storage" in logs

    # Back in Redis: the shop-wide pay limit holds again across both instances, counted in Redis
    # (each process tries Redis again after 1, 2, 4 … s in memory: a few rounds at most).
    def shared_limit_holds():
        address, statuses, limit = client_addresses(1)[0], [], None
        for number in range(24):
            response = requests.post(
                f"{production.instances[number % 2]}{PAY}", data=FORM, timeout=10,
                allow_redirects=False, headers=forwarded(production, address) | {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json"})
            limit = limit or pay_limit(response)
            statuses.append(response.status_code)
        with redis.Redis.from_url(production.redis_url) as store:
            counted = bool(store.keys(f"*{address}*"))
        return counted and statuses == [400] * limit + [429] * (24 - limit)

    wait_for(shared_limit_holds, "the pay limit counted in Redis again", seconds=60)
    record("Redis stopped", visits, balanced_books(production), time.monotonic() - started)


def receipt_columns(production, public_ids):
    engine = sqlalchemy.create_engine(production.database_url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.begin() as connection:
            return connection.execute(sqlalchemy.text(
                "SELECT public_id, status, receipt_tries, receipt_sent_at, receipt_error "
                "FROM orders WHERE public_id = ANY(:ids) ORDER BY public_id"),
                {"ids": list(public_ids)}).mappings().all()
    finally:
        engine.dispose()


def as_if_the_backoff_had_passed(production, public_ids):
    """The outbox waits a minute before its second try (outbox.backoff): that minute, skipped."""
    engine = sqlalchemy.create_engine(production.database_url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(
                "UPDATE orders SET receipt_due_at = receipt_due_at - interval '2 minutes' "
                "WHERE public_id = ANY(:ids) AND receipt_sent_at IS NULL"),
                {"ids": list(public_ids)})
    finally:
        engine.dispose()


def test_customers_pay_while_the_mail_server_is_down_and_their_receipts_go_once_it_is_back(
        production, client_addresses, stripe_client):
    started = time.monotonic()
    control("smtp-stop")
    try:
        visits = customers_pay(production, client_addresses(3), SLUG, lambda: card(stripe_client))
        assert [visit.statuses for visit in visits] == [[200]] * 3
        ids = [visit.order for visit in visits]
        # Each receipt was tried just after the answer, failed, and waits in the outbox (a try
        # is claimed, then its failure recorded: wait for the failure).
        rows = wait_for(lambda: (rows := receipt_columns(production, ids))
                        and all(row["receipt_error"] for row in rows) and rows, "first tries")
        assert {(row["status"], row["receipt_sent_at"]) for row in rows} == {("paid", None)}
        assert all("could not reach the mail server" in row["receipt_error"] for row in rows)
    finally:
        control("smtp-start")
    assert faults.receipts(production).keys().isdisjoint(ids)

    # The operator's timer runs reconcile, which sends the mail that is due.
    as_if_the_backoff_had_passed(production, ids)
    output = control("flask", "orders", "reconcile")
    assert "3 receipts sent" in output, output
    books = balanced_books(production)
    assert [books.receipts[public_id] for public_id in ids] == [1, 1, 1]
    record("SMTP down", visits, books, time.monotonic() - started)


def test_customers_pay_through_a_postgresql_restart(production, client_addresses, stripe_client):
    started = time.monotonic()
    customers = 4
    # Each first charge call waits a second at Stripe, so the restart lands on payments under way.
    faults.delay_stripe(production, 1.5, count=customers)

    def restart():
        wait_for(lambda: faults.calls_in_flight(production), "a payment at Stripe")
        control("postgres-restart", 1)  # fast shutdown, a second down, start

    try:
        visits = customers_pay(production, client_addresses(customers), SLUG,
                               lambda: card(stripe_client), on_the_way=restart, pause=0.3)
    finally:
        faults.clear_stripe_faults(production)
    # A receipt whose first try met the database away waits in the outbox: the timer sends it.
    ids = [visit.order for visit in visits]
    if faults.books(production).of(ids)[2] < len(ids):
        control("flask", "mail", "send")
    record("PostgreSQL restarted", visits, balanced_books(production), time.monotonic() - started)
    # Every answer was a success or the shop's 503 "try again"; no order was left "being paid"
    # (409) by a request that could not give its lease back while the database was away.
    assert {status for visit in visits for status in visit.statuses} <= {200, 503}


def test_an_instance_killed_mid_payment_then_customers_pay_again_on_the_other(
        production, client_addresses, stripe_client):
    started = time.monotonic()
    customers = 4  # nginx takes turns: two of them on each instance
    faults.delay_stripe(production, 3, count=customers)
    first, _ = production.instances

    def kill_the_first_instance_and_start_it_again():
        wait_for(lambda: len(faults.calls_in_flight(production)) == customers,
                 "every customer's charge call at Stripe")
        control("instance-kill", 1)
        # The operator starts it again; meanwhile the customers cut off press Pay again.
        control("instance-start", 1)

    try:
        visits = customers_pay(production, client_addresses(customers), SLUG,
                               lambda: card(stripe_client),
                               on_the_way=kill_the_first_instance_and_start_it_again)
    finally:
        faults.clear_stripe_faults(production)
        if not faults.running("gunicorn-1"):
            control("instance-start", 1)
    cut_off = [visit for visit in visits if visit.statuses[0] == 502]
    assert cut_off, [visit.seen for visit in visits]
    # The others were answered by the second instance as if nothing had happened; the cut-off
    # ones met their order's lease, still held by the dead request, until it ran out.
    assert all(visit.statuses == [200] for visit in visits if visit not in cut_off)
    assert all(set(visit.statuses[1:-1]) <= {409} for visit in cut_off)
    record("gunicorn instance killed", visits, balanced_books(production),
           time.monotonic() - started)

    # The instance is back: it answers (plain HTTP is sent to https), and nginx sends it
    # customers again (nginx leaves an instance that failed alone for 10 s, fail_timeout).
    assert requests.get(f"{first}/", timeout=10, allow_redirects=False).status_code < 400
    access_log = production.log_dir / "gunicorn-1-access.log"
    before = access_log.read_text().count("\n")
    browser = Customer(production, client_addresses(1)[0]).session
    wait_for(lambda: browser.get(production.url, timeout=10).ok
             and access_log.read_text().count("\n") > before, "nginx sending to instance 1")
