"""The Alembic migrations build exactly the schema that storefront/models.py describes."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from storefront import create_app
from storefront.web import ROOT
from storefront.web.extensions import db


def test_one_head_and_no_drift_from_the_models(database_url):
    heads = ScriptDirectory(str(ROOT / "migrations")).get_heads()
    assert len(heads) == 1, f"migrations branch: {heads}; point the newer one's down_revision at the other"
    # On whichever database the suite runs: SQLite, or PostgreSQL under make test-postgres.
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            drift = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert drift == []


def test_orders_made_before_lines_become_one_line_each(database_url):
    """The bag's migration gives every existing order one line: its product, selection and price."""
    from flask_migrate import downgrade
    from sqlalchemy import text

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        upgrade(revision="5b7e3c9d1f20")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO products (id, slug, name, description, image, currency, rules, position)"
                " VALUES (1, 'poster', 'Poster', '', 'img/p.svg', 'USD', '{}', 0)"))
            connection.execute(text(
                "INSERT INTO orders (id, public_id, checkout_token, selection_key, product_id, selection,"
                " lines, subtotal, tip, total, currency, email, status, amount_refunded, created_at,"
                " updated_at, receipt_tries) VALUES (7, 'pub', 'tok', 'key', 1, '{\"quantity\": \"2\"}',"
                " '[{\"label\": \"2 × Poster\", \"amount\": 3600}]', 3600, 360, 3960, 'USD',"
                " 'ada@example.com', 'partially_refunded', 1000, '2026-11-01', '2026-11-01', 0)"))
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT order_id, position, product_id, subtotal, tip, amount, maker_id, refunded"
                " FROM order_lines")).all()
        assert [tuple(row) for row in rows] == [(7, 0, 1, 3600, 360, 3960, None, 1000)]
        downgrade(revision="5b7e3c9d1f20")  # and back, leaving the orders as they were
        db.engine.dispose()


def test_reversals_recorded_before_their_status_get_the_right_one(database_url):
    """Made at Stripe: reversed. Recorded while the transfer waited (made smaller instead, even if
    the transfer was made later): deducted. Neither: Stripe did not make it, so reconcile will."""
    from flask_migrate import downgrade
    from sqlalchemy import text

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        upgrade(revision="6c4d8e2a1b57")
        with db.engine.begin() as connection:
            run = lambda sql: connection.execute(text(sql))  # noqa: E731
            run("INSERT INTO products (id, slug, name, description, image, currency, rules, position)"
                " VALUES (1, 'poster', 'Poster', '', 'img/p.svg', 'USD', '{}', 0)")
            run("INSERT INTO orders (id, public_id, checkout_token, selection_key, product_id, selection,"
                " lines, subtotal, tip, total, currency, email, status, amount_refunded, created_at,"
                " updated_at, receipt_tries, checkout_mode) VALUES (7, 'pub', 'tok', 'key', 1, '{}', '[]',"
                " 4000, 0, 4000, 'USD', 'ada@example.com', 'refunded', 4000, '2026-11-01',"
                " '2026-11-01', 0, 'elements')")
            for line in range(4):
                run("INSERT INTO order_lines (id, order_id, position, product_id, selection, lines,"
                    f" subtotal, tip, amount, refunded) VALUES ({line + 1}, 7, {line}, 1, '{{}}', '[]',"
                    " 1000, 0, 1000, 1000)")
            for maker in (1, 2, 3):
                run("INSERT INTO makers (id, slug, name, commission_percent, charges_enabled,"
                    " payouts_enabled, details_submitted, transfers_active, requirements_due)"
                    f" VALUES ({maker}, 'maker-{maker}', 'Maker', 10, false, false, false, false, '[]')")
            for transfer, status, made_at in ((1, "made", "'2026-11-02'"), (2, "waiting", "NULL"),
                                              (3, "made", "'2026-11-05'")):
                run("INSERT INTO transfers (id, order_id, maker_id, amount, commission, currency, status,"
                    " idempotency_key, amount_reversed, created_at, made_at) VALUES"
                    f" ({transfer}, 7, {transfer}, 900, 100, 'USD', '{status}', 'key-{transfer}', 0,"
                    f" '2026-11-02', {made_at})")
            for reversal, transfer, stripe_id in ((1, 1, "'trr_1'"), (2, 1, "NULL"), (3, 2, "NULL"),
                                                  (4, 3, "NULL")):
                run("INSERT INTO transfer_reversals (id, transfer_id, order_line_id, amount,"
                    " idempotency_key, stripe_reversal_id, created_at) VALUES"
                    f" ({reversal}, {transfer}, {reversal}, 900, 'rev-{reversal}', {stripe_id}, '2026-11-03')")
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, status, tries FROM transfer_reversals ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [
            (1, "reversed", 0), (2, "pending", 0), (3, "deducted", 0), (4, "deducted", 0)]
        downgrade(revision="6c4d8e2a1b57")
        db.engine.dispose()
