"""What reading the catalog's revision costs on PostgreSQL, the read every page and price partial
makes first (storefront/checkout/snapshot.py): through the app's pool (pre-ping, the
transaction's BEGIN, the ROLLBACK on return) and through the RevisionReader (a connection of the
revision's own engine, in autocommit, that the thread keeps), as CPU and waiting per read.

    scripts/with-postgres.sh .venv/bin/python -m bench.revision [--reads 3000]
"""
import argparse
import os
import statistics
import time

from storefront import create_app
from storefront.checkout import snapshot
from storefront.cli import load_products
from storefront.catalog import products
from storefront.web.extensions import db


def per_read(read, reads):
    """(CPU µs, waiting µs) per read(), the median of five runs of `reads`."""
    read()
    runs = []
    for _ in range(5):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(reads):
            read()
        runs.append(((time.process_time() - cpu) / reads * 1e6,
                     (time.perf_counter() - wall) / reads * 1e6))
    return statistics.median(cpu for cpu, _ in runs), statistics.median(wall for _, wall in runs)


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.revision", description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=3000)
    reads = parser.parse_args().reads
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        parser.error("run it under scripts/with-postgres.sh (it needs TEST_DATABASE_URL)")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_products(products.load_catalog(app.config["CATALOG_PATH"]))
        engine = db.engine
        reader = snapshot.RevisionReader(snapshot.revision_engine(engine))
        for name, read in (("the app's pool", lambda: snapshot.read_revision(engine)),
                           ("the RevisionReader", reader.read)):
            cpu, wall = per_read(read, reads)
            print(f"{name:<28} {cpu:6.0f} µs CPU, {wall:6.0f} µs waiting per read")
        reader.close()
        reader.engine.dispose()
        engine.dispose()


if __name__ == "__main__":
    main()
