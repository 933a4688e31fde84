"""Driving the admin without a browser: logging in, the forms' hidden fields, orders to look at."""
import re
import secrets
from datetime import datetime

from storefront.models import Order, OrderLine, Product
from storefront.web.extensions import db

EMAIL = "owner@example.com"
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
REQUEST_ID = re.compile(r'name="request_id" type="hidden" value="([^"]+)"|'
                        r'id="request_id" name="request_id" type="hidden" value="([^"]+)"')


# The message of the refund just made, which follows it: "Stripe is refunding $5.00" while Stripe's
# notice is on its way, "Refunded $5.00: Stripe confirmed it" once it has reached the order.
REFUND_MADE = re.compile(r'data-refund-made="([a-z-]+)">\s*(?:Stripe is refunding|Refunded) (\$[\d,]+\.\d\d)')


def refund_made(html):
    """The amount the page says the refund just made gives back ("$5.00"), or None."""
    match = REFUND_MADE.search(html)
    return match and match.group(2)


def csrf_token(html):
    return CSRF.search(html).group(1)


def log_in(client, email=EMAIL, password=PASSWORD, next_page=None):
    token = csrf_token(client.get("/admin/login").get_data(as_text=True))
    url = "/admin/login" + (f"?next={next_page}" if next_page else "")
    return client.post(url, data={"csrf_token": token, "email": email, "password": password})


def refund_form(client, order_id):
    """The order page's refund form fields: csrf_token and a fresh request_id."""
    html = client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    request_id = re.search(r'name="request_id"[^>]*value="([^"]+)"', html).group(1)
    return {"csrf_token": csrf_token(html), "request_id": request_id}


def refund_line(admin_client, order_id, line_id):
    """Press a line's Refund button on the order's admin page: the page it answers with."""
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    request_id = re.search(rf'/lines/{line_id}/refund".*?name="request_id" value="([^"]+)"',
                           page, re.S).group(1)
    response = admin_client.post(f"/admin/orders/{order_id}/lines/{line_id}/refund",
                                 data={"csrf_token": csrf_token(page), "request_id": request_id})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def add_order(product_slug="city-lights-poster", commit=True, **fields):
    """An order row as the checkout would leave it, without going through Stripe."""
    product = db.session.scalar(db.select(Product).filter_by(slug=product_slug))
    values = {
        "product": product, "checkout_token": secrets.token_urlsafe(16),
        "selection_key": secrets.token_hex(8), "selection": {}, "lines": [{"label": "Poster", "amount": 1800}],
        "subtotal": 1800, "tip": 0, "total": 1800, "currency": product.currency,
        "email": "ada@example.com", "status": "pending", "amount_refunded": 0,
        "created_at": datetime(2026, 11, 1, 12, 0),
    }
    values |= fields
    # Its one line, as a product page's order has.
    values.setdefault("items", [OrderLine(
        position=0, product=product, maker_id=product.maker_id, selection=values["selection"],
        lines=values["lines"], subtotal=values["subtotal"], tip=values["tip"],
        amount=values["total"], refunded=0)])
    order = Order(**values)
    db.session.add(order)
    if commit:
        db.session.commit()
    else:
        db.session.flush()  # gives it its id
    return order
