"""Playwright helpers for the Stripe-hosted pages a platform sends people to: the Connect
onboarding page an Account Link opens (the local Stripe's stand-in for it).

The stand-in page shows a heading "Set up your account", the account id in `#account-id`, the
requirements still due as `#currently-due li`, and two buttons: "Complete onboarding" (nothing
left due: charges and payouts enabled, capabilities active) and "Leave incomplete" (the bank
account and terms stay due). Either sends the browser on to the link's `return_url`; opening a
used or expired link sends it to `refresh_url`. Real Stripe's hosted onboarding is a different
form and cannot be driven by these helpers.
"""
import re

ONBOARDING_HEADING = "Set up your account"
COMPLETE_BUTTON = "Complete onboarding"
INCOMPLETE_BUTTON = "Leave incomplete"


def onboarding_account(page):
    """The connected account id the open onboarding page is for."""
    return page.locator("#account-id").inner_text()


def onboarding_requirements(page):
    """The requirements the open onboarding page lists as due (`requirements.currently_due`)."""
    return page.locator("#currently-due li").all_inner_texts()


def _answer(page, button, return_url, timeout):
    page.get_by_role("heading", name=ONBOARDING_HEADING).wait_for(timeout=timeout)
    page.get_by_role("button", name=button).click()
    if return_url is not None:
        page.wait_for_url(re.compile("^" + re.escape(return_url)), timeout=timeout)


def complete_onboarding(page, return_url=None, timeout=15_000):
    """Finishes onboarding on the open page; waits for `return_url` when given."""
    _answer(page, COMPLETE_BUTTON, return_url, timeout)


def leave_onboarding_incomplete(page, return_url=None, timeout=15_000):
    """Leaves the open onboarding page with requirements still due; waits for `return_url`."""
    _answer(page, INCOMPLETE_BUTTON, return_url, timeout)
