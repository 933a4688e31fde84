"""Count the SQL statements a piece of code sends, with SQLAlchemy's engine events."""
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def count_queries(engine):
    """Yield a list that collects every statement sent on `engine` inside the block."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
