"""Connected accounts and Account Links: what a platform onboarding its sellers sees."""
import json
from urllib.parse import urlsplit

import pytest
import requests
import stripe

from tests.emulator.conftest import WEBHOOK_SECRET

EXPRESS = {"type": "express", "country": "US", "email": "potter@example.com",
           "capabilities": {"card_payments": {"requested": True},
                            "transfers": {"requested": True}}}
LINK_URLS = {"refresh_url": "https://shop.example/makers/refresh",
             "return_url": "https://shop.example/makers/return"}


@pytest.fixture
def connect_hook(emulator, webhook_receiver):
    """A Connect webhook endpoint on the receiver (path /connect), as a platform sets one up."""
    endpoint = emulator.client().v1.webhook_endpoints.create({
        "url": f"{webhook_receiver.url}/connect", "enabled_events": ["*"], "connect": True})
    return endpoint


def account_events(webhook_receiver, path, account_id, count=1):
    deliveries = webhook_receiver.wait_for(
        lambda d: d["path"] == path and json.loads(d["body"]).get("account") == account_id,
        count=count)
    return [json.loads(delivery["body"]) for delivery in deliveries]


def test_a_new_express_account_can_do_nothing_until_onboarded(stripe_client):
    account = stripe_client.v1.accounts.create(EXPRESS)

    assert account.id.startswith("acct_")
    assert account.type == "express"
    assert account.controller.stripe_dashboard.type == "express"
    assert account.controller.requirement_collection == "stripe"
    assert (account.charges_enabled, account.payouts_enabled, account.details_submitted) == (
        False, False, False)
    assert account.capabilities.card_payments == "inactive"
    assert account.capabilities.transfers == "inactive"
    assert "external_account" in account.requirements.currently_due
    assert account.requirements.past_due == account.requirements.currently_due
    assert account.requirements.disabled_reason == "requirements.past_due"
    assert account.default_currency == "usd"
    assert stripe_client.v1.accounts.retrieve(account.id).email == "potter@example.com"


def test_controller_properties_instead_of_a_type(stripe_client):
    account = stripe_client.v1.accounts.create({
        "controller": {"fees": {"payer": "application"}, "losses": {"payments": "application"},
                       "stripe_dashboard": {"type": "express"}},
        "capabilities": {"transfers": {"requested": True}}, "country": "GB"})

    assert account.controller.fees.payer == "application"
    assert account.controller.losses.payments == "application"
    assert account.controller.stripe_dashboard.type == "express"
    assert account.capabilities.to_dict() == {"transfers": "inactive"}
    assert account.default_currency == "gbp"


def test_an_express_account_must_ask_for_transfers(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.accounts.create({"type": "express"})
    assert refused.value.param == "capabilities"
    with pytest.raises(stripe.InvalidRequestError) as both:
        stripe_client.v1.accounts.create({**EXPRESS, "controller": {
            "stripe_dashboard": {"type": "express"}}})
    assert both.value.param == "controller"


def test_accounts_are_listed_updated_and_deleted(stripe_client):
    first = stripe_client.v1.accounts.create(EXPRESS)
    second = stripe_client.v1.accounts.create({**EXPRESS, "email": "printer@example.com"})

    listed = stripe_client.v1.accounts.list({"limit": 1})
    assert [account.id for account in listed.data] == [second.id]
    assert listed.has_more is True

    updated = stripe_client.v1.accounts.update(first.id, {
        "metadata": {"maker_id": "7"}, "business_profile": {"name": "Clay Corner"}})
    assert updated.metadata.to_dict() == {"maker_id": "7"}
    assert updated.business_profile.name == "Clay Corner"

    deleted = stripe_client.v1.accounts.delete(first.id)
    assert deleted.deleted is True
    with pytest.raises(stripe.PermissionError) as gone:
        stripe_client.v1.accounts.retrieve(first.id)
    assert gone.value.http_status == 403
    assert gone.value.error.code == "account_invalid"
    assert f"does not have access to account '{first.id}'" in gone.value.user_message


def test_an_account_link_is_short_lived_on_the_emulators_origin(emulator, stripe_client):
    account = stripe_client.v1.accounts.create(EXPRESS)

    link = stripe_client.v1.account_links.create(
        {"account": account.id, "type": "account_onboarding", **LINK_URLS})

    assert link.object == "account_link"
    assert link.expires_at - link.created == 300
    assert urlsplit(link.url).netloc == urlsplit(emulator.url).netloc
    assert account.id in link.url


def test_account_links_refuse_what_stripe_refuses(stripe_client):
    account = stripe_client.v1.accounts.create(EXPRESS)
    with pytest.raises(stripe.InvalidRequestError) as no_return:
        stripe_client.v1.account_links.create({"account": account.id,
                                               "type": "account_onboarding",
                                               "refresh_url": LINK_URLS["refresh_url"]})
    assert no_return.value.param == "return_url"
    with pytest.raises(stripe.InvalidRequestError) as update:
        stripe_client.v1.account_links.create({"account": account.id, "type": "account_update",
                                               **LINK_URLS})
    assert update.value.param == "type"
    with pytest.raises(stripe.PermissionError):
        stripe_client.v1.account_links.create({"account": "acct_nobody",
                                               "type": "account_onboarding", **LINK_URLS})


def follow(url):
    """Where the browser is sent: (status, Location) of one request, not following it."""
    response = requests.get(url, allow_redirects=False)
    return response.status_code, response.headers.get("Location")


def answer(url, outcome):
    response = requests.post(url, data={"outcome": outcome}, allow_redirects=False)
    return response.status_code, response.headers.get("Location")


def test_completing_onboarding_enables_the_account_and_returns(
        stripe_client, webhook_receiver, connect_hook):
    account = stripe_client.v1.accounts.create(EXPRESS)
    link = stripe_client.v1.account_links.create(
        {"account": account.id, "type": "account_onboarding", **LINK_URLS})

    opened = requests.get(link.url)
    assert opened.status_code == 200
    assert "external_account" in opened.text
    assert answer(link.url, "complete") == (303, LINK_URLS["return_url"])

    enabled = stripe_client.v1.accounts.retrieve(account.id)
    assert (enabled.charges_enabled, enabled.payouts_enabled, enabled.details_submitted) == (
        True, True, True)
    assert enabled.capabilities.to_dict() == {"card_payments": "active", "transfers": "active"}
    assert enabled.requirements.currently_due == []
    assert enabled.requirements.disabled_reason is None
    [event] = account_events(webhook_receiver, "/connect", account.id)
    assert event["type"] == "account.updated"
    assert event["data"]["object"]["charges_enabled"] is True
    assert event["data"]["previous_attributes"]["charges_enabled"] is False
    # A Connect event goes to Connect endpoints only, not to the platform's own.
    platform = webhook_receiver.wait_for(lambda d: d["path"] == "/hook", timeout=0.3)
    assert [json.loads(d["body"])["type"] for d in platform] == []
    # Delivered signed with the Connect endpoint's own secret.
    delivery = webhook_receiver.wait_for(lambda d: d["path"] == "/connect")[0]
    stripe.Webhook.construct_event(delivery["body"], delivery["headers"]["Stripe-Signature"],
                                   connect_hook.secret)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivery["body"],
                                       delivery["headers"]["Stripe-Signature"], WEBHOOK_SECRET)


def test_leaving_onboarding_incomplete_keeps_requirements_due(
        emulator, stripe_client, webhook_receiver, connect_hook):
    account = stripe_client.v1.accounts.create(EXPRESS)
    link = stripe_client.v1.account_links.create(
        {"account": account.id, "type": "account_onboarding", **LINK_URLS})
    requests.get(link.url)

    assert answer(link.url, "incomplete") == (303, LINK_URLS["return_url"])

    left = stripe_client.v1.accounts.retrieve(account.id)
    assert (left.charges_enabled, left.payouts_enabled, left.details_submitted) == (
        False, False, False)
    assert "external_account" in left.requirements.currently_due
    assert "business_profile.mcc" not in left.requirements.currently_due
    assert left.requirements.disabled_reason == "requirements.past_due"
    assert left.capabilities.transfers == "inactive"
    [event] = account_events(webhook_receiver, "/connect", account.id)
    assert event["data"]["previous_attributes"]["requirements"]["currently_due"] == (
        account.requirements.currently_due)

    # Later the account turns enabled (the test's stand-in for a second onboarding visit).
    enabled = emulator.control("POST", f"/accounts/{account.id}/enable")
    assert enabled["payouts_enabled"] is True
    events = account_events(webhook_receiver, "/connect", account.id, count=2)
    assert events[1]["data"]["object"]["capabilities"]["transfers"] == "active"


def test_a_used_or_expired_link_sends_the_person_to_refresh_url(emulator, stripe_client):
    account = stripe_client.v1.accounts.create(EXPRESS)
    used = stripe_client.v1.account_links.create(
        {"account": account.id, "type": "account_onboarding", **LINK_URLS})
    assert requests.get(used.url).status_code == 200
    assert follow(used.url) == (303, LINK_URLS["refresh_url"])  # single use
    assert answer(used.url, "complete") == (303, LINK_URLS["return_url"])
    assert answer(used.url, "complete") == (303, LINK_URLS["refresh_url"])

    expiring = stripe_client.v1.account_links.create(
        {"account": account.id, "type": "account_onboarding", **LINK_URLS})
    emulator.control("POST", "/clock/advance", seconds=301)
    assert follow(expiring.url) == (303, LINK_URLS["refresh_url"])
    assert requests.get(f"{emulator.url}/setup/e/{account.id}/alu_unknown").status_code == 404


def test_pending_verification_and_a_missing_account(emulator, stripe_client):
    account = stripe_client.v1.accounts.create(EXPRESS)
    pending = emulator.control("POST", f"/accounts/{account.id}/onboarding", outcome="pending")
    assert pending["capabilities"] == {"card_payments": "pending", "transfers": "pending"}
    assert pending["requirements"]["disabled_reason"] == "requirements.pending_verification"
    assert pending["charges_enabled"] is False
    missing = requests.post(f"{emulator.url}/_emulator/accounts/acct_nobody/enable")
    assert missing.status_code == 404


def test_stripe_account_header_retrieves_the_connected_account(emulator, stripe_client):
    account = stripe_client.v1.accounts.create(EXPRESS)

    own = stripe_client.v1.accounts.retrieve_current(options={"stripe_account": account.id})
    assert own.id == account.id
    assert stripe_client.v1.accounts.retrieve_current().id != account.id  # the platform

    with pytest.raises(stripe.PermissionError) as unknown:
        stripe_client.v1.balance.retrieve(options={"stripe_account": "acct_nobody"})
    assert unknown.value.error.code == "account_invalid"
    assert "sk_test_" in unknown.value.user_message
    assert "emulator_tests" not in unknown.value.user_message  # the key is masked
    with pytest.raises(stripe.InvalidRequestError) as unsupported:
        stripe_client.v1.transfers.list(options={"stripe_account": account.id})
    assert "Stripe-Account" in unsupported.value.user_message
