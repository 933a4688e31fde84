"""Marking an order's lines shipped from its page (the rules are in storefront/orders/shipments.py)."""
from flask import Blueprint, request
from flask_login import current_user

from storefront.admin.order_page import ShipmentForm, render_order
from storefront.models import Order
from storefront.orders import shipments
from storefront.web.extensions import db, htmx

bp = Blueprint("shipments", __name__)


def _quantities(form):
    """{order line id: how many}, from the fields `quantity-<line id>`; a blank field is none."""
    quantities = {}
    for name, value in form.items():
        line_id = name.removeprefix("quantity-")
        if line_id != name and line_id.isdigit():
            value = value.strip() or "0"
            if not value.isdigit() or len(value) > 6:
                raise shipments.ShipmentRefused("A line's count must be a whole number.")
            quantities[int(line_id)] = int(value)
    return quantities


@bp.post("/orders/<int:order_id>/shipments")
def create(order_id):
    order = db.get_or_404(Order, order_id)
    form = ShipmentForm(request.form)
    try:
        if not form.validate():
            raise shipments.ShipmentRefused(next(iter(form.errors.values()))[0])
        made = shipments.ship(order, form.request_id.data, form.carrier.data,
                              form.tracking_number.data, _quantities(request.form),
                              current_user._get_current_object())
    except shipments.ShipmentRefused as error:
        # htmx swaps only 2xx answers: for it the refusal is in the body.
        return render_order(order, block="order" if htmx else None, status=200 if htmx else 409,
                            shipment_form=form, ship_refused=str(error))
    return render_order(order, block="order" if htmx else None, shipped=made)
