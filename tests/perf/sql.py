"""Count the SQL statements a piece of code sends: SQLAlchemy's engine events see every one but
the catalog revision's read, which goes to the driver's cursor directly (snapshot.py) and is
counted where it is made."""
from contextlib import contextmanager
from unittest import mock

from sqlalchemy import event

from storefront.checkout import snapshot


@contextmanager
def count_queries(engine):
    """Yield a list that collects every statement sent on `engine` inside the block."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def read(reader):
        if reader.engine.url == engine.url:  # the app's engine, or the one of its own on PostgreSQL
            statements.append(snapshot.REVISION)
        return real_read(reader)

    real_read = snapshot.RevisionReader.read
    event.listen(engine, "before_cursor_execute", record)
    try:
        with mock.patch.object(snapshot.RevisionReader, "read", read):
            yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
