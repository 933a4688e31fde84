"""How fast the admin's order list stays with 100,000 orders:
`.venv/bin/python bench/admin_orders.py [--orders 100000] [--runs 20]`.

Seeds the orders in a temporary SQLite database built by the migrations (so the indexes are the
migrations' own), then times whole admin pages through Flask's test client, logged in: the first
page, filters, searches, a deep page, the CSV export of a filter and the sales view. Prints the
median and 95th percentile of each. With TEST_DATABASE_URL set to a PostgreSQL database, does the
same there too, in a schema of its own that it drops afterwards.
"""
import argparse
import logging
import os
import pathlib
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from storefront import create_app
from storefront.admin import accounts  # noqa: E402
from storefront.catalog import products
from storefront.cli import load_products  # noqa: E402
from storefront.models import Order, Product  # noqa: E402
from storefront.web.extensions import db  # noqa: E402

EMAIL, PASSWORD = "bench@example.com", "bench password, not secret"
NOW = datetime(2026, 11, 26, 12, 0)
STATUSES = ["paid"] * 70 + ["partially_refunded"] * 5 + ["refunded"] * 5 + ["failed"] * 10 + \
    ["canceled"] * 5 + ["pending"] * 5
CUSTOMERS = 20_000
BATCH = 5_000


def seed(count):
    """`count` orders over the past year, oldest first (ids follow time, as they do live)."""
    rng = random.Random(8)
    products = db.session.execute(db.select(Product.id, Product.currency)).all()
    stamps = sorted(NOW - timedelta(seconds=rng.randrange(365 * 24 * 3600)) for _ in range(count))
    rows = []
    for number, created_at in enumerate(stamps):
        product = rng.choice(products)
        status = rng.choice(STATUSES)
        total = rng.randrange(500, 20_000)
        paid = status in ("paid", "partially_refunded", "refunded")
        customer = rng.randrange(CUSTOMERS)
        rows.append({
            "public_id": secrets.token_urlsafe(16), "checkout_token": secrets.token_urlsafe(24),
            "selection_key": f"{number:064x}", "product_id": product.id, "selection": {},
            "lines": [{"label": "Item", "amount": total}], "subtotal": total, "tip": 0,
            "total": total, "currency": product.currency,
            # A few customers typed their email with capitals.
            "email": f"Customer{customer}@Example.com" if customer % 10 == 0
            else f"customer{customer}@example.com",
            "status": status,
            "payment_intent_id": None if status == "pending" and number % 2 else f"pi_bench{number:08d}",
            "amount_refunded": total if status == "refunded" else
            total // 3 if status == "partially_refunded" else 0,
            "created_at": created_at, "updated_at": created_at,
            "paid_at": created_at + timedelta(seconds=5) if paid else None,
        })
        if len(rows) == BATCH:
            db.session.execute(insert(Order), rows)
            rows = []
    if rows:
        db.session.execute(insert(Order), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # What autovacuum soon does on a live database; SQLite is left as a shop leaves it.
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def timed(client, url, runs, headers):
    client.get(url, headers=headers)  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        body = response.get_data()  # the whole body: a streamed CSV is timed to its end
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, body[:300])
        assert b"data-order-id" in body or "/orders?" not in url, f"{url} found no order"
    return samples


def summary(label, samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    print(f"  {label:<46} median {statistics.median(ordered):8.2f} ms   p95 {p95:8.2f} ms")


def deep_cursor(app):
    """The order that the 1,999th page of 50 starts after: near the end of the list."""
    with app.app_context():
        return db.session.scalar(
            db.select(Order.id).order_by(Order.created_at.desc(), Order.id.desc())
            .offset(1998 * 50 + 49).limit(1))


def bench(app, count, runs):
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        load_products(products.load_catalog(app.config["CATALOG_PATH"]))
        seed(count)
        accounts.create_admin(EMAIL, PASSWORD)
        some = db.session.execute(
            db.select(Order.id, Order.email, Order.payment_intent_id, Order.product_id)
            .where(Order.payment_intent_id.is_not(None)).order_by(Order.id).offset(count // 2).limit(1)
        ).one()
    print(f"  seeded {count:,} orders in {time.perf_counter() - started:.1f} s")

    client = app.test_client()
    login = client.get("/admin/login").get_data(as_text=True)
    token = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/admin/login", data={"csrf_token": token, "email": EMAIL,
                                             "password": PASSWORD}).status_code == 302
    month = f"since={(NOW - timedelta(days=60)).date()}&until={(NOW - timedelta(days=31)).date()}"
    pages = [
        ("first page", "/admin/orders"),
        ("first page, htmx partial", "/admin/orders?htmx"),
        ("filter: status refunded (5%)", "/admin/orders?status=refunded"),
        ("filter: product + a month", f"/admin/orders?product={some.product_id}&{month}"),
        ("filter: status + product + a month",
         f"/admin/orders?status=paid&product={some.product_id}&{month}"),
        ("search: email, other case", f"/admin/orders?q={some.email.upper()}"),
        ("search: PaymentIntent id", f"/admin/orders?q={some.payment_intent_id}"),
        ("search: order number", f"/admin/orders?q=%23{some.id}"),
        ("deep page (page 2,000 of 2,000)", f"/admin/orders?after={deep_cursor(app)}"),
        ("deep page, filtered (status paid)", f"/admin/orders?status=paid&after={some.id}"),
        ("an order's page", f"/admin/orders/{some.id}"),
        ("CSV: status refunded (~5,000 rows)", "/admin/orders.csv?status=refunded"),
        ("sales view (30 days)", "/admin/sales"),
    ]
    for label, url in pages:
        headers = {"HX-Request": "true"} if url.endswith("?htmx") else {}
        repeats = max(3, runs // 4) if ".csv" in url else runs
        summary(label, timed(client, url.removesuffix("?htmx"), repeats, headers))


def postgres_app(url, count, runs):
    """The same on PostgreSQL, in a schema made for the run and dropped after it."""
    schema = f"bench_{secrets.token_hex(4)}"
    options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=options)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        bench(app, count, runs)
    finally:
        with app.app_context():
            db.session.remove()
            with db.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # Alembic's progress lines

    with tempfile.TemporaryDirectory() as folder:
        print(f"SQLite ({args.runs} runs per page, whole request through the test client)")
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db")
        bench(app, args.orders, args.runs)
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgres"):
        print(f"PostgreSQL ({args.runs} runs per page)")
        # psycopg 3, also for URLs that name no driver.
        postgres_app(re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url), args.orders, args.runs)


if __name__ == "__main__":
    main()
