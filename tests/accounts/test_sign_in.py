"""Signing in without a password (storefront/accounts/signin.py): a one-time link by email, signed,
used once, for 15 minutes; the same answer for any address; limited per address and per client;
a customer's session that is never an admin's, nor an admin's a customer's."""
import re
import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from storefront.accounts import signin
from storefront.admin import accounts as admins
from storefront.models import Account, SignInLink, utcnow
from storefront.orders import links
from storefront.web.extensions import db
from tests.accounts.helpers import ask_for_link, follow, link_in, sign_in
from tests.admin.helpers import EMAIL, PASSWORD, log_in
from tests.checkout.test_receipts import USERS, use
from tests.helpers import hidden_fields
from tests.smtp import smtp_server


def rows(app, model):
    with app.app_context():
        found = db.session.scalars(db.select(model).order_by(model.id)).all()
        db.session.expunge_all()
        return found


def page(response, email):
    """The page with what differs by request anyway (the address typed, the CSP nonce) taken out."""
    html = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'nonce="[^"]+"', "", html)


def make_account(app, email):
    with app.app_context():
        db.session.add(Account(email=email))
        db.session.commit()


def test_asking_answers_the_same_for_an_account_and_a_stranger_and_sends_each_a_link(
        app, client, outbox):
    make_account(app, "ada@example.com")
    known = ask_for_link(client, "Ada@Example.com")
    unknown = ask_for_link(app.test_client(), "grace@example.com")
    assert known.status_code == unknown.status_code == 200
    assert page(known, "ada@example.com") == page(unknown, "grace@example.com")
    assert "Check your email" in known.get_data(as_text=True)
    assert [m["To"] for m in outbox] == ["ada@example.com", "grace@example.com"]
    # One link each, sent; asking made no account.
    assert [(link.email, link.email_sent_at is not None) for link in rows(app, SignInLink)] == [
        ("ada@example.com", True), ("grace@example.com", True)]
    assert [a.email for a in rows(app, Account)] == ["ada@example.com"]


def test_a_link_asks_first_then_signs_in_and_makes_the_account(app, client, outbox):
    ask_for_link(client, "grace@example.com")
    path = link_in(outbox[0])
    assert outbox[0]["Subject"] == "Sign in to Maple & Ink"
    assert "15 minutes" in outbox[0].get_content()
    page = client.get("/" + path)  # what a mail scanner opening the link does
    assert page.status_code == 200 and "Sign in as <strong>grace@example.com</strong>" in page.get_data(as_text=True)
    assert rows(app, SignInLink)[0].used_at is None and rows(app, Account) == []
    assert client.get("/account").status_code == 302  # not signed in by looking

    answer = client.post("/" + path, data={"csrf_token": hidden_fields(page.get_data(as_text=True))["csrf_token"]})
    assert answer.status_code == 303 and answer.headers["Location"] == "/account"
    account = client.get("/account").get_data(as_text=True)
    assert "Signed in as <strong>grace@example.com</strong>" in account
    assert [a.email for a in rows(app, Account)] == ["grace@example.com"]
    assert "Your account</a>" in client.get("/").get_data(as_text=True)


def test_a_link_works_once_in_any_browser(app, client, outbox):
    sign_in(client, outbox)
    path = link_in(outbox[0])
    again = app.test_client()
    assert again.get("/" + path).status_code == 410
    answer = follow(again, path)
    assert answer.status_code == 410 and "no longer works" in answer.get_data(as_text=True)
    assert again.get("/account").status_code == 302


def test_a_newer_link_used_retires_the_older_ones(app, client, outbox):
    ask_for_link(client)
    ask_for_link(client)
    older, newer = (link_in(message) for message in outbox)
    assert follow(client, newer).status_code == 303
    assert follow(app.test_client(), older).status_code == 410


def test_a_link_past_its_expiry_is_refused(app, client, outbox):
    ask_for_link(client)
    with app.app_context():
        link = db.session.scalar(db.select(SignInLink))
        link.expires_at = utcnow()
        db.session.commit()
    path = link_in(outbox[0])
    assert client.get("/" + path).status_code == 410
    assert follow(client, path).status_code == 410
    assert rows(app, Account) == []


def test_a_link_signed_more_than_15_minutes_ago_is_refused_whatever_its_row_says(app, client, outbox):
    ask_for_link(client)
    key = rows(app, SignInLink)[0].key

    class SixteenMinutesAgo(URLSafeTimedSerializer.default_signer):
        def get_timestamp(self):
            return int(time.time()) - 16 * 60

    old = URLSafeTimedSerializer(app.secret_key, salt="sign-in-link", signer=SixteenMinutesAgo).dumps(key)
    assert links.SIGN_IN_MINUTES == 15
    assert client.get(f"/account/sign-in/{old}").status_code == 410
    assert follow(client, f"account/sign-in/{old}").status_code == 410
    # The same key signed now (as the emailed link is) still works: the age alone refused it.
    assert follow(client, link_in(outbox[0])).status_code == 303


@pytest.mark.parametrize("forge", ["other-secret", "tampered"])
def test_a_forged_or_tampered_link_is_refused(app, client, outbox, forge):
    ask_for_link(client)
    key = rows(app, SignInLink)[0].key
    if forge == "other-secret":
        token = URLSafeTimedSerializer("not the shop's secret", salt="sign-in-link").dumps(key)
    else:
        token = link_in(outbox[0]).rsplit("/", 1)[1]
        token = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.get(f"/account/sign-in/{token}").status_code == 410
    assert follow(client, f"account/sign-in/{token}").status_code == 410
    assert rows(app, SignInLink)[0].used_at is None


def test_an_address_gets_five_links_an_hour_whoever_asks(app, outbox):
    clients = [app.test_client() for _ in range(3)]
    for number in range(5):
        clients[number % 3].environ_base["REMOTE_ADDR"] = f"192.0.2.{number}"
        assert ask_for_link(clients[number % 3]).status_code == 200
    refused = ask_for_link(app.test_client())
    assert refused.status_code == 429
    assert re.search(r"as many sign-in links as\s+we send in an hour", refused.get_data(as_text=True))
    assert len(outbox) == 5 and len(rows(app, SignInLink)) == 5
    assert ask_for_link(app.test_client(), "grace@example.com").status_code == 200  # another address


def test_a_client_may_ask_twice_a_minute_whatever_the_address(make_app):
    app = make_app(RATELIMIT_SIGN_IN="2 per minute")
    outbox = app.extensions.setdefault("mail_outbox", [])
    client = app.test_client()
    answers = [ask_for_link(client, f"person{n}@example.com").status_code for n in range(3)]
    assert answers == [200, 200, 429]
    assert len(outbox) == 2
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert ask_for_link(other, "person2@example.com").status_code == 200


def test_not_an_address_is_told_so_and_sends_nothing(client, outbox):
    answer = ask_for_link(client, "not an address")
    assert answer.status_code == 400 and "Enter a valid email address." in answer.get_data(as_text=True)
    assert outbox == []


def test_the_link_email_goes_through_the_outbox_and_waits_out_a_mail_server_that_defers(app, client):
    with smtp_server(users=USERS, defer={"ada@example.com"}) as server:
        use(app, server)
        assert ask_for_link(client).status_code == 200  # the customer is answered all the same
        [link] = rows(app, SignInLink)
        assert link.email_sent_at is None and link.email_tries == 1 and "451" in link.email_error
        server.defer.clear()
        with app.app_context():  # the backoff passed
            db.session.get(SignInLink, link.id).email_due_at = utcnow()
            db.session.commit()
        output = app.test_cli_runner().invoke(args=["mail", "send"]).output
        [message] = server.received_by("ada@example.com")
    assert "1 sign-in links sent" in output
    assert follow(client, link_in(message)).status_code == 303


def test_a_customer_is_no_admin_and_an_admin_no_customer(app, client, outbox):
    with app.app_context():
        admins.create_admin(EMAIL, PASSWORD)
    sign_in(client, outbox, EMAIL)  # even with the admin's own address
    assert client.get("/admin/orders").status_code == 302
    assert "/admin/login" in client.get("/admin/orders").headers["Location"]

    admin_browser = app.test_client()
    assert log_in(admin_browser).status_code == 302
    assert admin_browser.get("/admin/orders").status_code == 200
    assert admin_browser.get("/account").headers["Location"] == "/account/sign-in"


def test_signing_out_ends_every_session_of_the_account(app, client, outbox):
    sign_in(client, outbox)
    phone = app.test_client()
    sign_in(phone, outbox)
    page = client.get("/account").get_data(as_text=True)
    client.post("/account/sign-out", data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert client.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    assert "Sign in</a>" in phone.get("/").get_data(as_text=True)


def test_normalised_addresses():
    assert signin.normalised(" Ada@Example.COM ") == "ada@example.com"
    with pytest.raises(ValueError):
        signin.normalised("ada@")


def test_a_link_that_expired_waiting_in_the_outbox_is_never_sent(app, client):
    with smtp_server(users=USERS, defer={"ada@example.com"}) as server:
        use(app, server)
        ask_for_link(client)
        server.defer.clear()
        with app.app_context():
            link = db.session.scalar(db.select(SignInLink))
            link.email_due_at = link.expires_at = utcnow()
            db.session.commit()
        output = app.test_cli_runner().invoke(args=["mail", "send"]).output
        assert output == "No email is due\n" and server.messages == []
