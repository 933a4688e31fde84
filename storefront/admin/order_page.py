"""The page of one order, which several views answer with: the order, its payment, its history
and the refund form."""
import secrets

from flask import render_template
from jinja2_fragments.flask import render_block
from wtforms import BooleanField, Form, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Regexp

from storefront.admin.timeline import timeline
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


def new_refund_form():
    return RefundForm(data={"request_id": secrets.token_urlsafe(16)})


def render_order(order, block=None, status=200, refund_form=None, **extra):
    """The order's page, or one named block of it for htmx."""
    context = {
        "order": order,
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
