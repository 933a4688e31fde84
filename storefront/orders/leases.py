"""A per-order lease: one worker at a time acts on an order, on any host.

A conditional UPDATE takes it (atomic on SQLite and PostgreSQL alike), so no database
transaction or row lock stays open while Stripe is called. A lease that its holder never gave
back (a crashed worker) runs out after LEASE_SECONDS.

Giving it back is tried for RELEASE_SECONDS, waiting longer each time: a database that is busy,
or restarting (PostgreSQL's fast shutdown and start take a second or two), would otherwise leave
the lease behind, and the customer pressing Pay again would hear "already being paid in another
window" for a minute.
"""
import secrets
import time
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import OperationalError

from storefront.models import Order, utcnow
from storefront.web.extensions import db

LEASE_SECONDS = 60
POLL_SECONDS = 0.1
RELEASE_SECONDS = 10
LONGEST_RELEASE_WAIT = 1.0


def _take(order_id, token):
    now = utcnow()
    taken = db.session.execute(
        update(Order)
        .where(Order.id == order_id, or_(Order.lease_until.is_(None), Order.lease_until < now))
        # Taking a lease is not a change to the order: updated_at stays.
        .values(lease_token=token, lease_until=now + timedelta(seconds=LEASE_SECONDS),
                updated_at=Order.updated_at)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    return taken


def _give_back(order_id, token):
    release = (
        update(Order)
        .where(Order.id == order_id, Order.lease_token == token)
        .values(lease_token=None, lease_until=None, updated_at=Order.updated_at)
        .execution_options(synchronize_session=False)
    )
    deadline, wait = time.monotonic() + RELEASE_SECONDS, POLL_SECONDS
    while True:
        try:
            db.session.rollback()  # whatever the holder left unfinished is not committed with it
            db.session.execute(release)
            db.session.commit()
            return
        except OperationalError:  # busy or restarting; a lease left behind blocks the order
            if time.monotonic() + wait > deadline:
                raise
            time.sleep(wait)
            wait = min(wait * 2, LONGEST_RELEASE_WAIT)


@contextmanager
def order_lease(order, wait=0.0):
    """Yield True with the order's lease held (the order re-read), or False if another worker
    kept it for `wait` seconds."""
    token = secrets.token_hex(16)
    order_id = order.id  # read now: a failed statement inside the lease makes `order` unreadable
    deadline = time.monotonic() + wait
    while not _take(order_id, token):
        if time.monotonic() >= deadline:
            yield False
            return
        time.sleep(POLL_SECONDS)
    try:
        db.session.refresh(order)
        yield True
    finally:
        _give_back(order_id, token)
