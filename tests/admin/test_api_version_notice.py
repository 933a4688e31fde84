"""The orders page tells the admin of webhook events that came in another API version than the
shop's, which the shop acknowledged but did not act on (payments/webhooks.py)."""
from storefront.models import StripeEvent
from storefront.web.extensions import db


def test_events_in_another_version_are_counted_on_the_orders_page(app, admin_client):
    page = admin_client.get("/admin/orders").get_data(as_text=True)
    assert "data-ignored-events" not in page
    with app.app_context():
        db.session.add_all([
            StripeEvent(id="evt_1", type="payment_intent.succeeded",
                        ignored_api_version="2025-09-30.clover"),
            StripeEvent(id="evt_2", type="charge.refunded", ignored_api_version="2025-09-30.clover"),
            StripeEvent(id="evt_3", type="payment_intent.succeeded")])
        db.session.commit()
    page = admin_client.get("/admin/orders").get_data(as_text=True)
    assert "data-ignored-events" in page
    assert "2 Stripe webhook events" in page and "2025-09-30.clover" in page
    assert app.config["STRIPE_API_VERSION"] in page
