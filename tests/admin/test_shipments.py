"""Marking lines shipped from the admin's order page: partial parcels, the customer's email
through the outbox with the tracking link, the history, the "to ship" filter and the CSV."""
import csv
import io
import re
from datetime import datetime

import pytest

from storefront.models import Order, OrderLine, Product, Shipment
from storefront.web.extensions import db
from tests.admin.helpers import add_order, csrf_token

ADDRESS = {"line1": "1 Main St", "line2": "Apt 2", "city": "Springfield", "state": "IL",
           "postal_code": "62701", "country": "US"}


def _line(product, amount, quantity, position, refunded=0):
    return OrderLine(position=position, product=product, maker_id=product.maker_id,
                     selection={"quantity": str(quantity)}, lines=[{"label": product.name, "amount": amount}],
                     subtotal=amount, tip=0, amount=amount, refunded=refunded)


def add_bag(status="paid", refunded=(0, 0, 0), **fields):
    """A paid bag: 3 posters, 1 T-shirt (both ship) and the e-book (does not)."""
    products = {p.slug: p for p in db.session.scalars(db.select(Product))}
    items = [_line(products["city-lights-poster"], 5400, 3, 0, refunded[0]),
             _line(products["organic-tee"], 2600, 1, 1, refunded[1]),
             _line(products["field-notes-ebook"], 1000, 1, 2, refunded[2])]
    return add_order(status=status, items=items, total=9000, subtotal=9000, shipping_name="Ada Lovelace",
                     shipping_address=ADDRESS, shipping_amount=800, shipping_rate="Standard",
                     tax_amount=612, tax_behavior="exclusive",
                     paid_at=datetime(2026, 11, 1, 12, 5) if status != "pending" else None, **fields)


@pytest.fixture
def bag(app):
    with app.app_context():
        order = add_bag()
        return order.id, [line.id for line in order.items]


def ship_form(admin_client, order_id, **fields):
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    form = re.search(r'<form class="ship-form".*?</form>', page, re.S)
    assert form, "no shipment form on the page"
    request_id = re.search(r'name="request_id" type="hidden" value="([^"]+)"', form.group(0)).group(1)
    # Each line's count as the form offers it: all that is left.
    counts = dict(re.findall(r'name="(quantity-\d+)" type="number"[^>]*value="(\d+)"', form.group(0), re.S))
    return {"csrf_token": csrf_token(page), "request_id": request_id, "carrier": "usps",
            "tracking_number": "9400 1118 9922 3197 4284 90", **counts, **fields}


def test_a_partial_parcel_then_the_rest_each_email_their_tracking_link(app, admin_client, bag, outbox):
    order_id, (posters, tee, ebook) = bag
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    # What the merchant needs to post it: the name, the address, shipping and tax, what is left.
    assert "Ada Lovelace" in page and "1 Main St" in page and "Springfield IL 62701" in page
    assert re.search(r"data-shipping>\$8\.00 \(Standard\)", page)
    assert re.search(r"data-tax>\$6\.12, added to the prices", page)
    assert re.search(r"data-to-ship>City Lights poster × 3, Organic cotton T-shirt × 1<", page)
    assert f'name="quantity-{ebook}"' not in page  # nothing to post for the e-book

    form = ship_form(admin_client, order_id, **{f"quantity-{posters}": "2", f"quantity-{tee}": "0"})
    answer = admin_client.post(f"/admin/orders/{order_id}/shipments", data=form)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "Marked shipped by USPS (9400111899223197428490)" in html
    assert re.search(r"data-to-ship>City Lights poster × 1, Organic cotton T-shirt × 1<", html)
    assert "Shipped by USPS (9400111899223197428490), marked by owner@example.com" in html  # history

    [message] = outbox
    body = message.get_content()
    assert message["To"] == "ada@example.com" and message["Subject"] == f"Your order #{order_id} has shipped"
    assert "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490" in body
    assert "City Lights poster × 2" in body and "Still to come" in body
    # Sent after the answer: the page said it was queued, and shows it sent since.
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert re.search(r"data-shipment-email>\s*Sent \d{4}-", page)

    # The same form sent again records nothing more.
    assert admin_client.post(f"/admin/orders/{order_id}/shipments", data=form).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Shipment.id))) == 1

    rest = ship_form(admin_client, order_id, carrier="ups", tracking_number="1Z999AA10123456784")
    html = admin_client.post(f"/admin/orders/{order_id}/shipments", data=rest).get_data(as_text=True)
    assert re.search(r"data-to-ship>Nothing<", html) and 'class="ship-form"' not in html
    assert len(outbox) == 2 and "https://www.ups.com/track?tracknum=1Z999AA10123456784" in outbox[1].get_content()
    assert "Still to come" not in outbox[1].get_content()


@pytest.mark.parametrize("fields, refusal", [
    ({"carrier": ""}, "Choose the carrier."),
    ({"tracking_number": "x"}, "Type the tracking number"),
    ({"quantity-POSTERS": "4"}, "more than is left to ship"),
    ({"quantity-POSTERS": "0", "quantity-TEE": "0"}, "Choose how many of each line"),
    ({"quantity-EBOOK": "1"}, "more than is left to ship"),
])
def test_a_parcel_that_does_not_fit_is_refused_and_nothing_is_sent(app, admin_client, bag, outbox,
                                                                   fields, refusal):
    order_id, (posters, tee, ebook) = bag
    ids = {"POSTERS": posters, "TEE": tee, "EBOOK": ebook}
    fields = {re.sub(r"[A-Z]+$", lambda m: str(ids[m.group(0)]), name): value for name, value in fields.items()}
    answer = admin_client.post(f"/admin/orders/{order_id}/shipments", data=ship_form(admin_client, order_id, **fields))
    assert answer.status_code == 409 and refusal in answer.get_data(as_text=True)
    assert outbox == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Shipment.id))) == 0


def test_only_paid_orders_with_lines_left_get_the_form_and_it_needs_its_csrf_token(app, admin_client, bag):
    order_id, _ = bag
    with app.app_context():
        pending = add_bag(status="pending").id
        refunded = add_bag(status="refunded", refunded=(5400, 2600, 1000), amount_refunded=9000).id
        # A line refunded in full is no longer to ship; the rest of the order still is.
        part = add_bag(status="partially_refunded", refunded=(5400, 0, 0), amount_refunded=5400).id
    for other in (pending, refunded):
        assert 'class="ship-form"' not in admin_client.get(f"/admin/orders/{other}").get_data(as_text=True)
    assert re.search(r"data-to-ship>Organic cotton T-shirt × 1<",
                     admin_client.get(f"/admin/orders/{part}").get_data(as_text=True))
    form = ship_form(admin_client, order_id)
    del form["csrf_token"]
    assert admin_client.post(f"/admin/orders/{order_id}/shipments", data=form).status_code == 400
    refused = admin_client.post(f"/admin/orders/{pending}/shipments",
                                data=ship_form(admin_client, order_id) | {"request_id": "p" * 20})
    assert refused.status_code == 409 and "Only a paid order can be shipped." in refused.get_data(as_text=True)


def test_the_to_ship_filter_finds_paid_orders_with_lines_not_all_posted(app, admin_client, bag):
    order_id, _ = bag
    with app.app_context():
        ebook_only = add_order("field-notes-ebook", status="paid", paid_at=datetime(2026, 11, 1)).id
        unpaid = add_bag(status="pending").id
        refunded = add_bag(status="refunded", refunded=(5400, 2600, 1000), amount_refunded=9000).id
        poster = add_order(status="paid", paid_at=datetime(2026, 11, 1), selection={"quantity": "2"}).id
    everything = admin_client.get("/admin/orders").get_data(as_text=True)
    assert {order_id, ebook_only, unpaid, refunded, poster} <= set(map(int, re.findall(r'data-order-id="(\d+)"', everything)))
    listed = admin_client.get("/admin/orders?fulfilment=to_ship").get_data(as_text=True)
    assert sorted(map(int, re.findall(r'data-order-id="(\d+)"', listed))) == [order_id, poster]
    # Posting both posters takes that order off the list.
    form = ship_form(admin_client, poster)
    assert admin_client.post(f"/admin/orders/{poster}/shipments", data=form).status_code == 200
    listed = admin_client.get("/admin/orders?fulfilment=to_ship").get_data(as_text=True)
    assert re.findall(r'data-order-id="(\d+)"', listed) == [str(order_id)]
    assert 'href="/admin/orders.csv?fulfilment=to_ship"' in listed


def test_the_csv_has_the_address_shipping_tax_and_what_is_left_to_ship(app, admin_client, bag):
    order_id, (posters, tee, _) = bag
    admin_client.post(f"/admin/orders/{order_id}/shipments",
                      data=ship_form(admin_client, order_id, **{f"quantity-{tee}": "0"}))
    rows = list(csv.DictReader(io.StringIO(
        admin_client.get("/admin/orders.csv?fulfilment=to_ship").get_data(as_text=True))))
    [row] = rows
    assert row["order"] == str(order_id)
    assert (row["ship_to_name"], row["ship_to_address"]) == ("Ada Lovelace", "1 Main St, Apt 2, Springfield, IL 62701, US")
    assert (row["shipping"], row["shipping_rate"], row["tax"], row["tax_behavior"]) == ("8.00", "Standard", "6.12", "exclusive")
    assert row["to_ship"] == "Organic cotton T-shirt × 1"
    assert row["tracking"] == "USPS 9400111899223197428490"

