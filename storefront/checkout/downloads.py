"""What a paid order brings beyond the parcel: the e-book's files, through signed links that
expire (orders/links.py), and a ticket's calendar file. Only for a paid order whose line was not
refunded in full; a link that expired or was changed gets a page with the way to a fresh one."""
from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from sqlalchemy import update

from storefront.models import Order, OrderLine
from storefront.orders import delivery, links
from storefront.web.extensions import db

bp = Blueprint("downloads", __name__)


def _line(public_id, line_id):
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    line = db.first_or_404(db.select(OrderLine).filter_by(id=line_id, order_id=order.id))
    return order, line


def _refused(order, title, message, status):
    return render_template("orders/link_refused.html", order=order, title=title, message=message,
                           receipt_url=url_for("orders.receipt", public_id=order.public_id)), status


@bp.get("/orders/<public_id>/lines/<int:line_id>/files/<name>")
def file(public_id, line_id, name):
    order, line = _line(public_id, line_id)
    try:
        links.check_download(order, line, name, request.args.get("token", ""))
    except links.LinkRefused as refused:
        return _refused(order, "This download link does not work", str(refused), 403)
    if name not in delivery.files(line):  # the catalog no longer lists it
        return _refused(order, "This file is no longer offered", "The shop no longer offers this file.", 410)
    if not delivery.may_download(order, line):
        return _refused(order, "This download is not available",
                        "Downloads are for paid orders; this one was refunded or is not paid.", 403)
    # Counted as the file is asked for: a browser that resumes a download asks again.
    db.session.execute(update(OrderLine).where(OrderLine.id == line.id)
                       .values(downloads=OrderLine.downloads + 1))
    db.session.commit()
    return send_from_directory(current_app.config["DOWNLOADS_PATH"], name, as_attachment=True,
                               max_age=0)


@bp.get("/orders/<public_id>/lines/<int:line_id>/ticket.ics")
def ticket(public_id, line_id):
    """The ticket's session as a calendar file; the receipt's URL is the key, as for the receipt."""
    order, line = _line(public_id, line_id)
    if not delivery.session(line) or not delivery.is_fulfilled(order):
        return _refused(order, "No ticket here", "This line is not a paid ticket.", 404)
    return Response(delivery.ticket_calendar(order, line), mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="{delivery.ticket_file_name(line)}"'})
