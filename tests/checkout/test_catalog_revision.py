"""Every page and price partial reads the catalog's revision first (checkout/snapshot.py). On
PostgreSQL that read has connections of its own, without the app's pre-ping: a database
restart must still cost no customer a failed page."""
import os

import pytest
import sqlalchemy
from sqlalchemy.pool import NullPool

from storefront.checkout import snapshot

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="the revision's own connections: PostgreSQL")
PARTIAL = {"HX-Request": "true"}


def drop_every_other_connection(database_url):
    """What a restart (or an idle timeout at a proxy) does to the shop's open connections."""
    killer = sqlalchemy.create_engine(database_url, poolclass=NullPool)
    with killer.connect() as connection:
        dropped = connection.execute(sqlalchemy.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid() AND datname = current_database()")).scalar()
    killer.dispose()
    return dropped


def test_the_revision_is_read_in_one_statement_outside_any_transaction(app, client, database_url):
    assert client.get("/p/city-lights-poster").status_code == 200
    holder = app.extensions[snapshot.EXTENSION]
    assert holder.reader.engine is not holder.engine
    watcher = sqlalchemy.create_engine(database_url, poolclass=NullPool)
    with watcher.connect() as connection:
        idle = connection.execute(sqlalchemy.text(
            "SELECT state, query FROM pg_stat_activity WHERE query LIKE 'SELECT revision%'")).all()
    watcher.dispose()
    assert idle and all(state == "idle" for state, _ in idle)  # not "idle in transaction"


def test_a_dropped_connection_costs_no_page_and_no_partial(app, client, database_url):
    assert client.get("/p/city-lights-poster").status_code == 200
    assert client.get("/p/city-lights-poster?quantity=2", headers=PARTIAL).status_code == 200
    assert drop_every_other_connection(database_url) >= 2  # the app's and the revision's
    assert client.get("/p/city-lights-poster").status_code == 200
    assert client.get("/p/city-lights-poster?quantity=3", headers=PARTIAL).status_code == 200
