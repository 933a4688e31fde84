"""What a production-topology run did, for the end of its pytest output: orders by status,
charges at Stripe, receipts at the SMTP server, and what each gunicorn instance served (from
its access log; "refused" is a 4xx: the rate-limit tests' requests without a token, say); then,
per fault (tests/topology/test_faults.py), its customers' orders, charges and receipts and the
status of every answer each customer got, in order."""
import re
from collections import Counter

import sqlalchemy

# gunicorn's access log: … "POST /p/organic-tee/pay HTTP/1.0" 200 …
REQUEST = re.compile(r'"([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3})')
KINDS = (("pay", re.compile(r"^POST /p/[^/]+/pay$")),
         ("confirm after 3-D Secure", re.compile(r"^POST /orders/[^/]+/confirm$")),
         ("webhook", re.compile(r"^POST /webhooks/stripe$")))


def orders_by_status(database_url):
    engine = sqlalchemy.create_engine(database_url, poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as connection:
        rows = connection.execute(sqlalchemy.text(
            "SELECT status, count(*) FROM orders GROUP BY status ORDER BY status")).all()
    engine.dispose()
    return dict(rows)


def charges(production):
    import stripe

    client = stripe.StripeClient(production.stripe_secret_key,
                                 base_addresses={"api": production.stripe_url})
    intents = client.v1.payment_intents.list({"limit": 100}).auto_paging_iter()
    return Counter(intent.status for intent in intents)


def served(access_log):
    counts = Counter()
    for line in access_log.read_text().splitlines():
        match = REQUEST.search(line)
        if not match:
            continue
        method, path, status = match.groups()
        counts["requests"] += 1
        for kind, pattern in KINDS:
            if pattern.match(f"{method} {path.split('?')[0]}"):
                counts[kind, "answered" if status < "400" else "refused"] += 1
    return counts


def figures(production):
    statuses = orders_by_status(production.database_url)
    intents = charges(production)
    receipts = sorted(production.mail_spool.glob("*.eml"))
    yield (f"orders: {sum(statuses.values())} "
           f"({', '.join(f'{count} {status}' for status, count in statuses.items()) or 'none'})")
    yield (f"PaymentIntents at the local Stripe: {sum(intents.values())}, "
           f"{intents['succeeded']} charged")
    yield f"receipts at the SMTP server: {len(receipts)}"
    for number, _ in enumerate(production.instances, start=1):
        counts = served(production.log_dir / f"gunicorn-{number}-access.log")
        details = "; ".join(f"{kind} {counts[kind, 'answered']} answered, "
                            f"{counts[kind, 'refused']} refused" for kind, _ in KINDS)
        yield f"gunicorn instance {number}: {counts['requests']} requests ({details})"


def fault_lines(outcomes):
    """One block per fault the run broke the topology with."""
    if not outcomes:
        return
    yield "faults (orders / charges / receipts of its customers; each customer's answers):"
    for outcome in outcomes:
        yield (f"  {outcome.fault}: {outcome.orders} orders, {outcome.charges} charges, "
               f"{outcome.receipts} receipts, {outcome.seconds:.0f} s")
        for visit in outcome.visits:
            yield f"    {visit.name}: {visit.seen}"
