"""An order's history in one list: its state changes (and what caused each), the cards tried,
the webhooks handled, the refunds asked for and the parcels sent, oldest first."""
from dataclasses import dataclass
from datetime import datetime

from storefront.models import StripeEvent
from storefront.web.extensions import db


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # "created" | "transition" | "attempt" | "event" | "refund" | "shipment"
    item: object  # the row the entry is about; the template words each kind


def timeline(order):
    events = db.session.scalars(db.select(StripeEvent).filter_by(order_id=order.id)).all()
    entries = [
        Entry(order.created_at, "created", order),
        *(Entry(t.at, "transition", t) for t in order.transitions),
        *(Entry(a.created_at, "attempt", a) for a in order.attempts),
        *(Entry(e.received_at, "event", e) for e in events),
        *(Entry(r.created_at, "refund", r) for r in order.refunds),
        *(Entry(s.created_at, "shipment", s) for s in order.shipments),
    ]
    return sorted(entries, key=lambda entry: entry.at)  # stable: ties keep the order above
