"""The catalog as this process last read it, for browsing and quoting.

A quote is a pure function of the catalog and the selection, so the product page and the price
partial read products from a per-process snapshot instead of loading them through the ORM.
The catalog_revision row (models.CatalogRevision) counts changes to the products: any change
made through the ORM (`flask catalog load`, an admin edit) bumps it in the same transaction, and
every request that uses the snapshot first reads it (one primary-key SELECT). So a change made
on any host reaches every process, behind any load balancer, at its next request.

Paying never uses the snapshot: pay prices from the database, and a total that moved is a 409.
"""
import threading
import weakref
from contextlib import suppress
from dataclasses import dataclass
from types import SimpleNamespace

from flask import abort, current_app, g, has_request_context
from sqlalchemy import create_engine, event, select, update
from sqlalchemy.pool import NullPool, SingletonThreadPool, StaticPool

from storefront.catalog import shipping
from storefront.catalog.products import GENERAL_GOODS_TAX_CODE, ProductSpec, rules_from_dict
from storefront.models import CatalogRevision, Product
from storefront.web.extensions import db

EXTENSION = "catalog_snapshot"
# Read on every request that uses the snapshot, as plain SQL on the driver's cursor: a
# SQLAlchemy Connection around it (checkout, result object, close) cost twice the query.
REVISION = f"SELECT revision FROM {CatalogRevision.__tablename__} WHERE id = 1"
# Built once: building a statement costs about as much as running it.
BUMP = (update(CatalogRevision).where(CatalogRevision.id == 1)
        .values(revision=CatalogRevision.revision + 1))
PRODUCTS = (select(Product.slug, Product.name, Product.description, Product.image,
                   Product.rules_data.label("rules"), Product.layout,
                   Product.checkout_mode, Product.ships, Product.tax_code)
            .order_by(Product.position, Product.id))
ZONES = select(CatalogRevision.shipping_zones).where(CatalogRevision.id == 1)


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the price-partial memo
class Snapshot:
    revision: int
    products: dict[str, ProductSpec]  # by slug, in catalog order
    zones: tuple[shipping.Zone, ...] = ()  # where its products ship (catalog/shipping.py)

    def product_or_404(self, slug):
        product = self.products.get(slug)
        if product is None:
            abort(404)
        return product


def init_app(app):
    app.extensions[EXTENSION] = SimpleNamespace(snapshot=None, engine=None, reader=None)
    session_class = db.session.session_factory.class_
    if not event.contains(session_class, "before_flush", bump_on_product_changes):
        event.listen(session_class, "before_flush", bump_on_product_changes)


def current(app=None):
    """The snapshot at the database's current revision, read again if the revision moved.
    `app` for a caller outside the app's context (price_partial.Layer); else the current app,
    and the same snapshot for the rest of the request (one read of the revision per request,
    however many parts of the page ask)."""
    if app is None and has_request_context() and (kept := g.get(EXTENSION)) is not None:
        return kept
    snapshot = _current(app or current_app)
    if app is None and has_request_context():
        setattr(g, EXTENSION, snapshot)
    return snapshot


def _current(app):
    holder = app.extensions[EXTENSION]
    if holder.engine is None:
        with app.app_context():
            holder.engine = db.engine
            holder.reader = RevisionReader(revision_engine(db.engine))
    revision = holder.reader.read()
    snapshot = holder.snapshot
    if snapshot is None or snapshot.revision != revision:
        # The revision is read before the products: a change committed in between is labelled
        # with the older revision, so the next request reads the catalog again. (Threads that
        # race here read the same rows; the last one's copy stays.)
        with holder.engine.connect() as connection:
            snapshot = holder.snapshot = Snapshot(revision, {
                row.slug: ProductSpec(row.slug, row.name, row.description, row.image,
                                      rules_from_dict(row.rules), row.layout,
                                      row.checkout_mode, ships=row.ships,
                                      tax_code=row.tax_code or GENERAL_GOODS_TAX_CODE)
                for row in connection.execute(PRODUCTS)},
                shipping.zones_from_dict(connection.execute(ZONES).scalar()))
    return snapshot


def revision_engine(engine):
    """What the revision's connections come from: on PostgreSQL an engine of its own, in
    autocommit, so the read is one round trip where the app's pool made four (its pre-ping, the
    transaction's BEGIN, the SELECT, the ROLLBACK on return). Other databases use the app's
    engine."""
    if engine.dialect.name != "postgresql":
        return engine
    return create_engine(engine.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


class RevisionReader:
    """Reads the catalog's revision, on a connection each thread keeps: taken from `engine` once
    and detached from its pool, because a checkout and check-in at every read cost 650 Python
    bytecodes and a lock's hand-over (`python -m bench.profile`). On PostgreSQL, per read: the
    app's pool 118 µs of CPU and 174 µs of waiting, the revision's engine through a pool 43 and
    58, kept by the thread 26 and 41 (`python -m bench.revision`, on loopback). A connection
    the server dropped (a restart) fails its first read: it is closed and the read made once
    more on a new one. An engine whose pool is one connection for all (SQLite in memory) is
    read through its pool: that connection is the app's."""

    def __init__(self, engine):
        self.engine = engine
        self.shared = isinstance(engine.pool, (StaticPool, SingletonThreadPool))
        self.errors = (engine.dialect.loaded_dbapi.OperationalError,
                       engine.dialect.loaded_dbapi.InterfaceError)
        self.local = threading.local()
        # Every thread's, for close(); weakly: a thread that ends (the development server's,
        # one per request) takes its connection with it, closed as it is freed.
        self.kept = weakref.WeakSet()

    def read(self):
        if self.shared:
            return read_revision(self.engine)
        for attempt in (1, 2):
            kept = getattr(self.local, "kept", None) or self._connect()
            try:
                return select_revision(kept.connection)
            except self.errors:
                self.local.kept = None
                kept.close()
                if attempt == 2:
                    raise

    def _connect(self):
        proxied = self.engine.raw_connection()
        proxied.detach()  # the pool forgets it: closing it closes it
        kept = self.local.kept = _Kept(proxied.dbapi_connection)
        self.kept.add(kept)
        return kept

    def close(self):
        """Close every thread's connection."""
        for kept in list(self.kept):
            kept.close()


class _Kept:
    """A thread's revision connection, in something a WeakSet can hold (sqlite3's cannot)."""

    __slots__ = ("connection", "__weakref__")

    def __init__(self, connection):
        self.connection = connection

    def close(self):
        with suppress(Exception):  # already closed, or dropped by the server
            self.connection.close()


def dispose(app):
    """Close the revision reads' own connections (the app's engine is Flask-SQLAlchemy's)."""
    holder = app.extensions[EXTENSION]
    if holder.reader is not None:
        holder.reader.close()
        if holder.reader.engine is not holder.engine:
            holder.reader.engine.dispose()


def read_revision(engine):
    """The catalog's revision, on a connection from `engine`'s pool and back to it."""
    connection = engine.raw_connection()
    try:
        return select_revision(connection)
    finally:
        connection.close()


def select_revision(connection):
    """The catalog's revision, read on a DBAPI connection."""
    cursor = connection.cursor()
    cursor.execute(REVISION)
    [revision] = cursor.fetchone()
    cursor.close()
    return revision


def bump_on_product_changes(session, flush_context, instances):
    """A flush that adds, changes or deletes a product also bumps the revision, in the same
    transaction: readers see the new products and the new revision together."""
    products = [obj for obj in (*session.new, *session.dirty, *session.deleted)
                if isinstance(obj, Product)]
    # Setting a field to the value it had (a catalog loaded again, unchanged) is no change.
    if any(obj not in session.dirty or session.is_modified(obj) for obj in products):
        session.execute(BUMP)
