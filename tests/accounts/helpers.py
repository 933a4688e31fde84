"""Signing a test client in as a customer, the way a person does: ask for a link, read it from
the email, follow it and press Sign in."""
import re

from tests.helpers import hidden_fields

LINK = re.compile(r"https?://\S+/account/sign-in/\S+")


def ask_for_link(client, email="ada@example.com"):
    token = hidden_fields(client.get("/account/sign-in").get_data(as_text=True))["csrf_token"]
    return client.post("/account/sign-in", data={"csrf_token": token, "email": email})


def link_in(message):
    [url] = LINK.findall(message.get_content())
    return url.split("://", 1)[1].split("/", 1)[1]  # the path, for the test client


def follow(client, path):
    """Open the link's page and press Sign in; the answer to the press."""
    page = client.get("/" + path)
    token = hidden_fields(page.get_data(as_text=True)).get("csrf_token")
    if token is None:  # no button: the link no longer works
        token = hidden_fields(client.get("/account/sign-in").get_data(as_text=True))["csrf_token"]
    return client.post("/" + path, data={"csrf_token": token})


def sign_in(client, outbox, email="ada@example.com"):
    """Sign `client` in as `email` through the emailed link (outbox: the memory backend's)."""
    before = len(outbox)
    assert ask_for_link(client, email).status_code == 200
    [message] = outbox[before:]
    answer = follow(client, link_in(message))
    assert answer.status_code == 303 and answer.headers["Location"] == "/account", answer.status
    return answer
