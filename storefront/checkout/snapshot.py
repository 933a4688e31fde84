"""The catalog as this process last read it, for browsing and quoting.

A quote is a pure function of the catalog and the selection, so the product page and the price
partial read products from a per-process snapshot instead of loading them through the ORM.
The catalog_revision row (models.CatalogRevision) counts changes to the products: any change
made through the ORM (`flask catalog load`, an admin edit) bumps it in the same transaction, and
every request that uses the snapshot first reads it (one primary-key SELECT). So a change made
on any host reaches every process, behind any load balancer, at its next request.

Paying never uses the snapshot: pay prices from the database, and a total that moved is a 409.
"""
from dataclasses import dataclass
from types import SimpleNamespace

from flask import abort, current_app, g, has_request_context
from sqlalchemy import create_engine, event, select, update

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
# The revision reads' own PostgreSQL connections per worker (revision_engine): gunicorn's four
# threads each read once per request.
REVISION_POOL_SIZE, REVISION_POOL_OVERFLOW = 1, 3


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
    app.extensions[EXTENSION] = SimpleNamespace(snapshot=None, engine=None, revision_engine=None)
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
            holder.engine, holder.revision_engine = db.engine, revision_engine(db.engine)
    revision = read_revision(holder.revision_engine)
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
    """What reads the revision: on PostgreSQL an engine of its own, in autocommit with nothing to
    reset when a connection goes back to its pool, so the read is one round trip where the app's
    pool made four (its pre-ping, the transaction's BEGIN, the SELECT, the ROLLBACK on return):
    182 → 46 µs of CPU and 271 → 64 µs of waiting per request (`python -m bench.revision`, on
    loopback). A few connections per worker: one kept, three more while threads read at once.
    Other databases (SQLite, whose in-memory database is the app's connection) use the app's
    engine."""
    if engine.dialect.name != "postgresql":
        return engine
    return create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None,
                         pool_size=REVISION_POOL_SIZE, max_overflow=REVISION_POOL_OVERFLOW)


def dispose(app):
    """Close the revision reads' own connections (the app's engine is Flask-SQLAlchemy's)."""
    holder = app.extensions[EXTENSION]
    if holder.revision_engine is not None and holder.revision_engine is not holder.engine:
        holder.revision_engine.dispose()


def read_revision(engine):
    """The catalog's revision. Without the app's pre-ping, a connection the server dropped (a
    restart) fails its first read: it is thrown away and the read made once more on a new one."""
    for attempt in (1, 2):
        connection = engine.raw_connection()  # from the pool, and back to it
        try:
            cursor = connection.cursor()
            cursor.execute(REVISION)
            [revision] = cursor.fetchone()
            cursor.close()
            return revision
        except engine.dialect.loaded_dbapi.OperationalError:
            connection.invalidate()
            if attempt == 2:
                raise
        finally:
            connection.close()


def bump_on_product_changes(session, flush_context, instances):
    """A flush that adds, changes or deletes a product also bumps the revision, in the same
    transaction: readers see the new products and the new revision together."""
    products = [obj for obj in (*session.new, *session.dirty, *session.deleted)
                if isinstance(obj, Product)]
    # Setting a field to the value it had (a catalog loaded again, unchanged) is no change.
    if any(obj not in session.dirty or session.is_modified(obj) for obj in products):
        session.execute(BUMP)
