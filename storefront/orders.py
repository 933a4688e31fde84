"""After paying: the receipt, built from the database alone."""
from flask import Blueprint, render_template

from .extensions import db
from .models import Order

bp = Blueprint("orders", __name__)


@bp.get("/orders/<public_id>")
def receipt(public_id):
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    return render_template("orders/receipt.html", order=order)
