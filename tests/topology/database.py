"""Reading the production run's database (the instances' PostgreSQL) from a test."""
import sqlalchemy


def order_row(production, public_id):
    """The order as the database has it now: a mapping of its columns."""
    engine = sqlalchemy.create_engine(production.database_url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as connection:
            row = connection.execute(sqlalchemy.text("SELECT * FROM orders WHERE public_id = :id"),
                                     {"id": public_id}).mappings().one()
            return dict(row)
    finally:
        engine.dispose()
