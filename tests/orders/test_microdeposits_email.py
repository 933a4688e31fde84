"""A bank account typed in by hand waits for Stripe's microdeposits, which take days: the
customer who left the page is emailed the way back (Stripe's verification page, and when the
deposits arrive) as soon as Stripe says they are sent, once however often it is told; the order's
page carries the same step, and the shop's pages point a returning customer to it."""
import re
from datetime import datetime, timezone

from storefront.models import Order
from storefront.web.extensions import db
from tests.checkout.test_receipts import USERS, use
from tests.emulator.bank import MANDATE_DATA, SUCCEEDS, typed_in
from tests.helpers import event, open_checkout, pay, signed
from tests.smtp import smtp_server

SLUG = "city-lights-poster"  # USD
SUBJECT = re.compile(r"Verify your bank account to pay for order #\d+")


def waiting_for_microdeposits(client, stripe_client, page=None):
    """A bank order whose account was typed in: Stripe has sent the microdeposits. Returns the
    checkout's page fields, the pay answer and the PaymentIntent as Stripe has it."""
    page = page or open_checkout(client, SLUG, method="us_bank_account")
    answer = pay(client, SLUG, page, "", method="us_bank_account")
    intent_id = answer.json["client_secret"].split("_secret_")[0]
    intent = stripe_client.payment_intents.confirm(intent_id, {"payment_method_data": typed_in(SUCCEEDS),
                                                               "mandate_data": MANDATE_DATA})
    assert intent.next_action.type == "verify_with_microdeposits"
    return page, answer, intent


def report_requires_action(app, client, intent, event_id):
    """Stripe's payment_intent.requires_action reaching the shop's webhook."""
    payload = event("payment_intent.requires_action", intent.to_dict(), event_id)
    response = client.post("/webhooks/stripe", data=payload, content_type="application/json",
                           headers={"Stripe-Signature": signed(payload, app.config["STRIPE_WEBHOOK_SECRET"])})
    assert response.status_code == 200, response.get_data(as_text=True)


def arrival(intent):
    deposits = intent.next_action.verify_with_microdeposits
    return datetime.fromtimestamp(deposits.arrival_date, timezone.utc).strftime("%-d %B %Y")


def the_order(app):
    with app.app_context():
        found = db.session.scalar(db.select(Order))
        db.session.expunge(found)
        return found


def test_the_customer_is_emailed_the_verification_link_and_arrival_date_once(
        app, client, stripe_client):
    with smtp_server(users=USERS) as server:
        use(app, server)
        _, _, intent = waiting_for_microdeposits(client, stripe_client)
        report_requires_action(app, client, intent, "evt_microdeposits")
        [message] = server.received_by("ada@example.com")
        report_requires_action(app, client, intent, "evt_microdeposits_again")  # told again
        assert app.test_cli_runner().invoke(args=["mail", "send"]).output == "No email is due\n"
        assert len(server.messages) == 1

    assert SUBJECT.fullmatch(message["Subject"])
    body = message.get_content()
    link = intent.next_action.verify_with_microdeposits.hosted_verification_url
    assert link in body and arrival(intent) in body
    order = the_order(app)
    assert order.status == "requires_action" and order.verify_email_sent_at is not None
    assert f"/orders/{order.public_id}" in body


def test_told_by_the_browser_first_the_webhook_still_sends_the_one_email(app, client, stripe_client):
    page, answer, intent = waiting_for_microdeposits(client, stripe_client)
    told = client.post(answer.json["confirm_url"], data={"csrf_token": page["csrf_token"]})
    assert told.json["next"] == "verify"
    report_requires_action(app, client, intent, "evt_microdeposits")
    report_requires_action(app, client, intent, "evt_microdeposits_again")
    subjects = [m["Subject"] for m in app.extensions.get("mail_outbox", [])]
    assert len(subjects) == 1 and SUBJECT.fullmatch(subjects[0])


def test_the_order_page_carries_the_verification_step(app, client, stripe_client):
    _, _, intent = waiting_for_microdeposits(client, stripe_client)
    report_requires_action(app, client, intent, "evt_microdeposits")
    order = the_order(app)
    html = client.get(f"/orders/{order.public_id}").get_data(as_text=True)
    assert "Verify your bank account to pay" in html
    assert f'href="{intent.next_action.verify_with_microdeposits.hosted_verification_url}"' in html
    assert arrival(intent) in html


def test_the_product_page_reloaded_points_to_the_order_waiting_for_microdeposits(
        app, client, stripe_client):
    _, _, intent = waiting_for_microdeposits(client, stripe_client)
    report_requires_action(app, client, intent, "evt_microdeposits")
    order = the_order(app)
    html = client.get(f"/p/{SLUG}").get_data(as_text=True)
    notice = re.search(r"<p [^>]*data-waiting-order>(.*?)</p>", html, re.S)
    assert notice, "the reloaded product page says nothing of the order"
    assert f"order #{order.id} is waiting for you to verify your bank account" in " ".join(notice.group(1).split())
    assert f'href="/orders/{order.public_id}"' in notice.group(1)
    # Another browser, which made no order, is told nothing.
    assert "data-waiting-order" not in app.test_client().get(f"/p/{SLUG}").get_data(as_text=True)
