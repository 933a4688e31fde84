"""The admin marks lines shipped: some or all of what an order has left to post, with a carrier
and a tracking number. The customer's email goes through the outbox, on the shipment's row.

Under the order's lease (leases.py), as refunds are: what is left to ship is decided with no
refund or other shipment half-way, so two admins cannot post the same line twice.
"""
from sqlalchemy.exc import IntegrityError

from storefront.catalog import carriers
from storefront.models import Shipment, ShipmentLine, utcnow
from storefront.orders import delivery, outbox
from storefront.orders.leases import order_lease
from storefront.web.extensions import db


class ShipmentRefused(Exception):
    """Why nothing was recorded; str() says it to the admin."""


def find(order, request_id):
    return db.session.scalar(db.select(Shipment).filter_by(order_id=order.id, request_id=request_id))


def ship(order, request_id, carrier, tracking_number, quantities, admin):
    """Record a shipment of `quantities` ({order line id: how many}) and queue its email; the
    shipment this form already recorded if it is sent again. ShipmentRefused otherwise."""
    if carrier not in carriers.CARRIERS:
        raise ShipmentRefused("Choose the carrier.")
    number = carriers.tracking_number(tracking_number)
    if number is None:
        raise ShipmentRefused("Type the tracking number: 4 to 40 letters and digits.")
    with order_lease(order, wait=5) as held:
        if not held:
            raise ShipmentRefused("Someone else is working on this order; try again in a moment.")
        if earlier := find(order, request_id):
            return earlier
        left = {line.id: (line, count) for line, count in delivery.to_ship(order)}
        if not left:
            raise ShipmentRefused("Nothing is left to ship on this order." if delivery.is_fulfilled(order)
                                  else "Only a paid order can be shipped.")
        chosen = {line_id: count for line_id, count in quantities.items() if count}
        if not chosen:
            raise ShipmentRefused("Choose how many of each line are in the parcel.")
        for line_id, count in chosen.items():
            if line_id not in left or not 0 < count <= left[line_id][1]:
                raise ShipmentRefused("A line's count is more than is left to ship of it; reload the page.")
        now = utcnow()
        shipment = Shipment(order=order, request_id=request_id, carrier=carrier,
                            tracking_number=number, admin_id=admin.id, created_at=now,
                            lines=[ShipmentLine(order_line=left[line_id][0], quantity=count)
                                   for line_id, count in chosen.items()])
        outbox.SHIPPED.queue(shipment, now)
        db.session.add(shipment)
        try:
            db.session.commit()
        except IntegrityError:  # the same form, sent twice at once: the other made it
            db.session.rollback()
            return find(order, request_id)
    outbox.send_soon(shipment, outbox.SHIPPED)
    return shipment
