"""The onboarding page an Account Link opens, in a real browser: the person completes it or
leaves it, lands on the platform's return_url, and a used link goes to refresh_url."""
import pytest
from playwright.sync_api import expect

from tests import stripe_pages
from tests.a11y import axe_violations
from tests.emulator.test_api_connect_accounts import EXPRESS

pytestmark = pytest.mark.e2e


def onboarding_link(emulator, stripe_client, account_id):
    return stripe_client.v1.account_links.create({
        "account": account_id, "type": "account_onboarding",
        "refresh_url": f"{emulator.url}/?refresh={account_id}",
        "return_url": f"{emulator.url}/?return={account_id}"})


def test_a_person_completes_onboarding_in_the_browser(page, emulator, stripe_client):
    account = stripe_client.v1.accounts.create(EXPRESS)
    link = onboarding_link(emulator, stripe_client, account.id)

    page.goto(link.url)
    assert stripe_pages.onboarding_account(page) == account.id
    assert "external_account" in stripe_pages.onboarding_requirements(page)
    stripe_pages.complete_onboarding(page, return_url=f"{emulator.url}/?return={account.id}")

    enabled = stripe_client.v1.accounts.retrieve(account.id)
    assert (enabled.charges_enabled, enabled.payouts_enabled) == (True, True)
    # The link was used: opening it again sends the person to refresh_url.
    page.goto(link.url)
    expect(page).to_have_url(f"{emulator.url}/?refresh={account.id}")


def test_a_person_leaves_onboarding_incomplete(page, emulator, stripe_client):
    account = stripe_client.v1.accounts.create(EXPRESS)
    link = onboarding_link(emulator, stripe_client, account.id)

    page.goto(link.url)
    stripe_pages.leave_onboarding_incomplete(
        page, return_url=f"{emulator.url}/?return={account.id}")

    left = stripe_client.v1.accounts.retrieve(account.id)
    assert left.payouts_enabled is False
    assert left.requirements.currently_due == ["external_account", "tos_acceptance.date",
                                               "tos_acceptance.ip"]
    # A new link shows what is still due.
    page.goto(onboarding_link(emulator, stripe_client, account.id).url)
    assert stripe_pages.onboarding_requirements(page) == left.requirements.currently_due


def test_the_onboarding_page_passes_axe(browser, emulator, stripe_client):
    context = browser.new_context(bypass_csp=True)  # the page's CSP forbids injected scripts
    page = context.new_page()
    account = stripe_client.v1.accounts.create(EXPRESS)
    page.goto(onboarding_link(emulator, stripe_client, account.id).url)
    assert axe_violations(page) == []
    context.close()
