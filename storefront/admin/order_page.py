"""The page of one order, which several views answer with: the order, its payment, its history,
the refund form and the shipment form."""
import secrets

from flask import render_template
from jinja2_fragments.flask import render_block
from wtforms import BooleanField, Form, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Regexp

from storefront.admin.timeline import timeline
from storefront.catalog import carriers
from storefront.orders import delivery
from storefront.payments import refunds

TEMPLATE = "admin/order.html"


class RefundForm(Form):
    # Names this form: sent twice, it still makes one refund (refunds.py).
    request_id = HiddenField(validators=[
        DataRequired("Reload the page."),
        Regexp(r"^[A-Za-z0-9_-]{16,64}$", message="Reload the page.")])
    amount = StringField("Amount", filters=[lambda value: value.strip() if value else value])
    reason = SelectField("Reason", default="",
                         choices=[SelectChoice("", "No reason given"),
                                  *(SelectChoice(*reason) for reason in refunds.REASONS.items())])
    # The "refund everything left" button: what is left is decided under the order's lease.
    full = BooleanField()


class ShipmentForm(Form):
    """The parcel's carrier and tracking number; how many of each line it holds are the fields
    `quantity-<line id>` (shipments.py checks them against what is left to ship)."""
    request_id = HiddenField(validators=[
        DataRequired("Reload the page."),
        Regexp(r"^[A-Za-z0-9_-]{16,64}$", message="Reload the page.")])
    carrier = SelectField("Carrier", default="", choices=[
        SelectChoice("", "Choose…"),
        *(SelectChoice(key, name) for key, (name, _) in carriers.CARRIERS.items())])
    tracking_number = StringField("Tracking number")


def new_shipment_form():
    return ShipmentForm(data={"request_id": secrets.token_urlsafe(16)})


def new_refund_form():
    return RefundForm(data={"request_id": secrets.token_urlsafe(16)})


def render_order(order, block=None, status=200, refund_form=None, shipment_form=None, **extra):
    """The order's page, or one named block of it for htmx."""
    context = {
        "order": order,
        "delivery": delivery,
        "to_ship": delivery.to_ship(order),
        "shipment_form": shipment_form or new_shipment_form(),
        "timeline": timeline(order),
        "refundable": refunds.refundable(order),
        "pending": refunds.pending(order),
        "refund_form": refund_form or new_refund_form(),
        "new_request_id": lambda: secrets.token_urlsafe(16),
        **extra,
    }
    if block:
        return render_block(TEMPLATE, block, **context), status
    return render_template(TEMPLATE, **context), status
