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
