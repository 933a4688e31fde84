import re
import subprocess
from pathlib import Path

import pytest

from config import database_url, engine_options, secret_key_refusal


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


# SECRET_KEY = "…", SECRET_KEY="…", SECRET_KEY: "…", SECRET_KEY=… in a shell line or a README,
# and os.environ.get("SECRET_KEY", "…"); not STRIPE_SECRET_KEY.
SECRET_KEY_LITERALS = [
    re.compile(r"""(?<![A-Z_])SECRET_KEY["']?\s*[:=,]\s*["']([^"'\s]+)["']"""),
    re.compile(r"""(?<![A-Z_])SECRET_KEY=([^\s"'`$]+)"""),
]
ROOT = Path(__file__).resolve().parents[2]


def repository_secret_keys():
    """Every literal the repository's tracked files give SECRET_KEY."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    found = set()
    for name in files:
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".sh", ".toml", ".cfg", ".ini", ".txt", ".env", "") \
                or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for pattern in SECRET_KEY_LITERALS:
            found.update(pattern.findall(text))
    return found


def test_every_secret_key_written_in_the_repository_is_refused_in_production():
    found = repository_secret_keys()
    assert {"dev-only-not-secret", "testing"} <= found  # the scan does see the defaults
    accepted = {key for key in found if secret_key_refusal(key) is None}
    assert not accepted, f"public SECRET_KEY values production would accept: {accepted}"
