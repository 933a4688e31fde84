"""The Alembic migrations build exactly the schema that storefront/models.py describes."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from storefront import ROOT, create_app
from storefront.extensions import db


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
