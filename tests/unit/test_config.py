import pytest

from config import database_url, engine_options


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://shop:s%40cret@db:5432/shop", "postgresql+psycopg://shop:s%40cret@db:5432/shop"),
        ("postgresql://shop@db/shop?sslmode=require",
         "postgresql+psycopg://shop@db/shop?sslmode=require"),
        ("postgresql+psycopg://shop@db/shop", "postgresql+psycopg://shop@db/shop"),
        ("sqlite:////srv/shop/shop.db", "sqlite:////srv/shop/shop.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_urls_people_have_name_psycopg_3(given, expected):
    assert database_url(given) == expected


def test_postgresql_pools_check_connections_and_read_their_size_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "1")
    options = engine_options("postgresql+psycopg://shop@db/shop")
    assert options == {"pool_pre_ping": True, "pool_size": 3, "max_overflow": 1}


def test_sqlite_keeps_flask_sqlalchemys_own_pool():
    # An in-memory SQLite database has a single-connection pool that takes no pool_size.
    assert engine_options("sqlite://") == {}
