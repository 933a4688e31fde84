"""CSRF: every request that changes something carries the session's token, or is refused with a
400 a person can act on, in the form the page asked for. Stripe's webhooks are exempt: Stripe
signs them instead."""
import hashlib
import hmac
import json
import time

import pytest

EXPIRED = "This page has expired"
PAY_FORM = {"email": "ada@example.com", "payment_method": "pm_card_visa"}


@pytest.fixture
def no_charge(stripe_requests):
    yield
    assert stripe_requests(method="POST", path="/v1/payment_intents") == []


def test_the_no_javascript_form_without_a_token_gets_a_page(client, no_charge):
    response = client.post("/p/organic-tee", data={"quantity": "2"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<h1>This page has expired</h1>" in html
    assert "Reload the page and try again" in html


def test_an_htmx_quote_without_a_token_gets_the_price_partial(client, no_charge):
    response = client.post("/p/organic-tee", data={"quantity": "2"},
                           headers={"HX-Request": "true", "HX-Target": "price"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.startswith('<section id="price"') and 'data-quote-ok="false"' in html
    assert EXPIRED in html and "<html" not in html


def test_the_price_partials_get_needs_no_token_and_changes_nothing(app, orders, no_charge):
    response = app.test_client().get("/p/organic-tee?quantity=2",
                                     headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'data-quote-ok="true"' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers  # no session begun, none saved
    assert orders() == []


def test_paying_without_a_token_is_refused_in_json(client, page_fields, no_charge):
    fields = page_fields()
    del fields["csrf_token"]
    response = client.post("/p/organic-tee/pay", data=fields | PAY_FORM,
                           headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json() == {
        "next": "retry",
        "message": "For your safety, pages on this shop expire after a while. Reload the page "
                   "and try again. Nothing was charged.",
    }


def test_confirming_without_a_token_is_refused_in_json(client, no_charge):
    response = client.post("/orders/any-order/confirm", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("For your safety")


def test_a_token_from_another_session_is_refused(app, page_fields, no_charge):
    stolen = page_fields()["csrf_token"]
    response = app.test_client().post("/p/organic-tee/pay", data={"csrf_token": stolen, **PAY_FORM},
                                      headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["next"] == "retry"


def test_with_the_token_every_form_gets_past_the_check(client, page_fields, no_charge):
    fields = page_fields()
    token = fields["csrf_token"]
    assert client.post("/p/organic-tee", data={"csrf_token": token}).status_code == 200
    response = client.post("/p/organic-tee", data={"quantity": "2"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and 'data-quote-ok="true"' in response.get_data(as_text=True)
    # Past the CSRF check, the pay view itself answers (here: the email is missing).
    response = client.post("/p/organic-tee/pay", data=fields | {"payment_method": "pm_card_visa"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["next"] == "fix"
    response = client.post("/orders/no-such-order/confirm", data={"csrf_token": token},
                           headers={"Accept": "application/json"})
    assert response.status_code == 404


def signed(payload, secret):
    timestamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return {"Stripe-Signature": f"t={timestamp},v1={mac.hexdigest()}",
            "Content-Type": "application/json"}


def test_webhooks_need_no_token_but_a_valid_signature(app, client):
    payload = json.dumps({"id": "evt_csrf_test", "object": "event", "type": "customer.created",
                          "data": {"object": {"object": "customer"}}})
    refused = client.post("/webhooks/stripe", data=payload, headers=signed(payload, "whsec_wrong"))
    assert refused.status_code == 400
    assert EXPIRED not in refused.get_data(as_text=True)  # the signature check, not CSRF
    accepted = client.post("/webhooks/stripe", data=payload,
                           headers=signed(payload, app.config["STRIPE_WEBHOOK_SECRET"]))
    assert accepted.status_code == 200
