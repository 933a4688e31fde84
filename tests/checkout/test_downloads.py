"""What a paid order brings beyond a parcel: the e-book's signed, expiring download links (on
the receipt page and in its email), counted per line; a ticket's calendar file; and the
receipt page's progress."""
import re
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import pytest

from storefront.models import Order, OrderLine, Shipment, ShipmentLine
from storefront.orders import links, mail
from storefront.web.extensions import db
from tests.admin.helpers import add_order

DOWNLOADS = Path(__file__).resolve().parents[2] / "downloads"
EBOOK = "field-notes-ebook"


def add_ebook(app, format="both", **fields):
    with app.app_context():
        values = {"status": "paid", "paid_at": datetime(2026, 11, 1, 12, 5),
                  "selection": {"quantity": "1", "option-format": format, "amount": "10.00"}}
        order = add_order(EBOOK, **(values | fields))
        return order.public_id, order.items[0].id


def links_on(html):
    return [unescape(url) for url in re.findall(r'href="([^"]+/files/[^"]+)" download data-download', html)]


def downloads_of(app, line_id):
    with app.app_context():
        return db.session.get(OrderLine, line_id).downloads


def test_the_receipt_page_links_each_file_of_the_chosen_format_and_downloads_are_counted(app, client):
    public_id, line_id = add_ebook(app, format="pdf")
    page = client.get(f"/orders/{public_id}").get_data(as_text=True)
    assert "Field Notes from the Coast e-book: ready to download" in page
    [url] = links_on(page)
    assert url.startswith(f"/orders/{public_id}/lines/{line_id}/files/field-notes-from-the-coast.pdf?token=")

    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == "attachment; filename=field-notes-from-the-coast.pdf"
    assert answer.data == (DOWNLOADS / "field-notes-from-the-coast.pdf").read_bytes()
    assert answer.data.startswith(b"%PDF-")
    client.get(url)
    assert downloads_of(app, line_id) == 2

    # "Both" links both files.
    both_id, _ = add_ebook(app)
    assert len(links_on(client.get(f"/orders/{both_id}").get_data(as_text=True))) == 2


def test_an_expired_link_gets_a_page_with_the_way_to_a_fresh_one(app, client):
    public_id, line_id = add_ebook(app)
    with app.test_request_context():
        with app.app_context():
            order = db.session.get(OrderLine, line_id).order
            line = order.items[0]
            # Signed on a fixed day long past: its week ran out long ago.
            old = links.download_url(order, line, "field-notes-from-the-coast.epub", now=datetime(2026, 1, 1))
            fresh = links.download_url(order, line, "field-notes-from-the-coast.epub")
            nearly = links.download_url(order, line, "field-notes-from-the-coast.epub",
                                        now=datetime.now() - timedelta(days=links.DOWNLOAD_DAYS - 1))
    answer = client.get(old)
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "This download link has expired." in page
    assert f'href="/orders/{public_id}" data-fresh-link' in page
    # The receipt page it points to has a fresh link, which works.
    again = links_on(client.get(f"/orders/{public_id}").get_data(as_text=True))[0]
    assert client.get(again).status_code == 200
    assert client.get(fresh).status_code == 200 and client.get(nearly).status_code == 200
    assert downloads_of(app, line_id) == 3  # the refused one is not counted


@pytest.mark.parametrize("change", ["token", "file", "line"])
def test_a_changed_link_is_refused(app, client, change):
    public_id, line_id = add_ebook(app, format="epub")
    [url] = links_on(client.get(f"/orders/{public_id}").get_data(as_text=True))
    if change == "token":
        url = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    elif change == "file":  # a file of another format, with this format's token
        url = url.replace(".epub?", ".pdf?")
    else:
        _, other = add_ebook(app, format="epub")
        url = url.replace(f"/lines/{line_id}/", f"/lines/{other}/")
    answer = client.get(url)
    assert answer.status_code in (403, 404)
    if change != "line":
        assert "data-link-refused" in answer.get_data(as_text=True)
    assert downloads_of(app, line_id) == 0


def test_a_refunded_or_unpaid_order_downloads_nothing(app, client):
    public_id, line_id = add_ebook(app)
    [url, _] = links_on(client.get(f"/orders/{public_id}").get_data(as_text=True))
    with app.app_context():
        line = db.session.get(OrderLine, line_id)
        line.order.status, line.order.amount_refunded, line.refunded = "refunded", 1800, 1800
        db.session.commit()
    answer = client.get(url)
    assert answer.status_code == 403 and "this one was refunded" in answer.get_data(as_text=True)
    assert links_on(client.get(f"/orders/{public_id}").get_data(as_text=True)) == []
    pending_id, _ = add_ebook(app, status="pending", paid_at=None)
    assert links_on(client.get(f"/orders/{pending_id}").get_data(as_text=True)) == []
    assert downloads_of(app, line_id) == 0


def add_ticket(app, quantity="2"):
    with app.app_context():
        order = add_order("letterpress-workshop", status="paid", paid_at=datetime(2026, 11, 1, 12, 5),
                          selection={"quantity": quantity, "option-session": "thursday-evening"})
        return order.id, order.public_id


def test_a_tickets_calendar_file_on_the_receipt_page_and_in_the_receipt_email(app, client, outbox):
    order_id, public_id = add_ticket(app)
    page = client.get(f"/orders/{public_id}").get_data(as_text=True)
    assert "Your tickets" in page and "Thursday 11 March 2027, 18:00–21:00" in page
    url = re.search(r'href="([^"]+\.ics)" download data-calendar-link', page).group(1)
    answer = client.get(url)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="letterpress-workshop.ics"'
    ics = answer.data
    assert b"\r\nDTSTART:20270311T230000Z\r\nDTEND:20270312T020000Z\r\n" in ics  # 18:00 EST is 23:00 UTC
    assert b"\r\nDTSTAMP:20261101T120500Z\r\n" in ics  # when it was paid: the same file every time
    assert re.search(rb"\r\nUID:" + public_id.encode() + rb"-\d+@127\.0\.0\.1\r\n", ics)
    assert b"LOCATION:The Letterpress Studio\\, 14 Harbour Lane\\, Portside" in ics.replace(b"\r\n ", b"")
    assert client.get(url).data == ics

    with app.app_context():
        mail.send_receipt(db.session.get(Order, order_id))
    [message] = outbox
    assert "Thursday 11 March 2027, 18:00–21:00, The Letterpress Studio" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "letterpress-workshop.ics"
    assert attachment.get_content_type() == "text/calendar"
    attached = attachment.get_payload(decode=True)  # its CRLF line endings as written
    uid = re.search(rb"\r\nUID:[^\r]+\r\n", ics).group(0)
    assert uid in attached and b"\r\nDTSTART:20270311T230000Z\r\n" in attached


def test_the_receipt_email_links_the_ebook(app, outbox):
    public_id, line_id = add_ebook(app, format="pdf")
    with app.app_context():
        mail.send_receipt(db.session.scalar(db.select(Order).filter_by(public_id=public_id)))
    body = outbox[0].get_content()
    assert "Your downloads (each link works for 7 days" in body
    [url] = re.findall(r"http\S+/files/\S+", body)
    assert f"/orders/{public_id}/lines/{line_id}/files/field-notes-from-the-coast.pdf?token=" in url
    assert app.test_client().get(url.split("127.0.0.1:5000")[1]).status_code == 200


def test_the_receipt_page_shows_what_was_shipped_and_what_is_still_to_ship(app, client):
    with app.app_context():
        order = add_order(status="paid", paid_at=datetime(2026, 11, 1, 12, 5), selection={"quantity": "3"})
        from storefront.admin import accounts
        admin = accounts.create_admin("owner@example.com", "correct horse battery staple")
        db.session.add(Shipment(order=order, request_id="r" * 20, carrier="canada-post",
                                tracking_number="1234567890123456", admin_id=admin.id,
                                created_at=datetime(2026, 11, 3, 9),
                                lines=[ShipmentLine(order_line=order.items[0], quantity=2)]))
        db.session.commit()
        public_id = order.public_id
    page = client.get(f"/orders/{public_id}").get_data(as_text=True)
    assert "Paid on 1 November 2026" in page
    assert re.search(r"Shipped on 3 November 2026 by Canada Post:\s+City Lights poster × 2", page)
    assert ('href="https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=1234567890123456"'
            in page)
    assert re.search(r"Still to ship:\s+City Lights poster × 1", page)
