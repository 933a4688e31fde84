"""storefront/admin/search.py: filters, search and keyset pages, on indexes that fit."""
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from storefront import create_app
from storefront.admin import search
from storefront.catalog import products
from storefront.cli import load_products
from storefront.web import ROOT
from storefront.web.extensions import db
from tests.admin.helpers import add_order

START = datetime(2026, 10, 1, 9, 0)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def filters(**args):
    form = search.OrderFilters(MultiDict(args))
    assert form.validate(), form.errors
    return form


def ids(page):
    return [order.id for order in page.orders]


def test_newest_first_and_every_order_once_across_pages(ctx):
    # Many orders share a created_at: the id breaks the tie, so no page boundary loses one.
    made = [add_order(created_at=START + timedelta(hours=n // 3), commit=False).id for n in range(23)]
    newest_first = sorted(made, key=lambda i: (START + timedelta(hours=(i - 1) // 3), i), reverse=True)
    seen, after = [], None
    while True:
        page = search.page(filters(), after=after, size=5)
        seen += ids(page)
        if page.older is None:
            break
        after = page.older
    assert seen == newest_first

    # And back again, from the last page towards the newest.
    back, before = [], page.newer
    while before is not None:
        newer = search.page(filters(), before=before, size=5)
        back = ids(newer) + back
        before = newer.newer
    assert back + ids(page) == newest_first


def test_filters_combine(ctx):
    add_order(status="paid", created_at=START)
    paid_tee = add_order("organic-tee", status="paid", created_at=START + timedelta(days=1))
    add_order("organic-tee", status="failed", created_at=START + timedelta(days=1))
    late = add_order("organic-tee", status="paid", created_at=START + timedelta(days=3))
    tee = paid_tee.product_id
    assert ids(search.page(filters(status="paid", product=str(tee)))) == [late.id, paid_tee.id]
    assert ids(search.page(filters(status="paid", product=str(tee), since="2026-10-02",
                                   until="2026-10-02"))) == [paid_tee.id]
    assert ids(search.page(filters(since="2026-10-04"))) == [late.id]


@pytest.mark.parametrize("query", ["{id}", "#{id}", "Grace@Example.COM", "pi_grace", "{public_id}"])
def test_search_by_number_email_intent_or_receipt(ctx, query):
    add_order(email="ada@example.com")
    grace = add_order(email="grace@example.com", payment_intent_id="pi_grace")
    add_order(email="grace.other@example.com")
    text = query.format(id=grace.id, public_id=grace.public_id)
    assert ids(search.page(filters(q=f"  {text} "))) == [grace.id]


def test_wrong_filters_are_named(ctx):
    form = search.OrderFilters(MultiDict({"since": "2026-10-05", "until": "2026-10-01",
                                          "status": "lost", "product": "999"}))
    assert not form.validate()
    assert set(form.errors) == {"until", "status", "product"}


def test_filter_args_round_trip(ctx):
    form = filters(q="ada@example.com", status="paid", product="1", since="2026-10-01")
    assert form.args() == {"q": "ada@example.com", "status": "paid", "product": 1,
                           "since": "2026-10-01"}


def test_batches_walk_every_match(ctx):
    made = [add_order(status="paid", created_at=START + timedelta(minutes=n)).id for n in range(7)]
    add_order(status="failed")
    batches = list(search.batches(filters(status="paid"), size=3))
    assert [len(batch) for batch in batches] == [3, 3, 1]
    assert [order.id for batch in batches for order in batch] == made[::-1]


@pytest.fixture
def migrated(tmp_path, local_stripe):
    """An app on a database built by the migrations, which is where the indexes come from.

    Migrated in another process: Alembic's env.py configures logging from alembic.ini, which
    would switch off the loggers of every test after this one."""
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                   env={**os.environ, "SHOP_CONFIG": "testing", "TEST_DATABASE_URL": url},
                   check=True, capture_output=True)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, STRIPE_API_BASE=local_stripe.url)
    with app.app_context():
        load_products(products.load_catalog(app.config["CATALOG_PATH"]))
        yield


def plan(query):
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(db.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return " | ".join(row[-1] for row in rows)


@pytest.mark.parametrize("args, index", [
    ({}, "ix_orders_created_at_id"),
    ({"status": "refunded"}, "ix_orders_status_created_at_id"),
    # Newest first by date, each order's lines looked up by their own index: a bag's order
    # is found by any of its products.
    ({"product": "2"}, "ix_orders_created_at_id"),
    ({"since": "2026-10-01", "until": "2026-10-07"}, "ix_orders_created_at_id"),
    ({"q": "ada@example.com"}, "ix_orders_email_lower"),
])
def test_each_list_query_walks_an_index(migrated, args, index):
    query = db.select(search.Order).where(*filters(**args).where()).order_by(
        search.Order.created_at.desc(), search.Order.id.desc()).limit(51)
    text = plan(query)
    assert index in text, text
    assert "SCAN orders" not in text.replace(f"SCAN orders USING INDEX {index}", ""), text
    assert "SCAN order_lines" not in text, text
