import pytest
import stripe

from storefront.extensions import db
from storefront.models import Order


@pytest.fixture
def stripe_client(local_stripe):
    return stripe.StripeClient("sk_test_testing", base_addresses={"api": local_stripe.url}).v1


@pytest.fixture
def orders(app):
    """Read the shop's orders as the database has them now."""

    def read():
        with app.app_context():
            rows = db.session.scalars(db.select(Order).order_by(Order.id)).all()
            db.session.expunge_all()
            return rows

    return read


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
