"""The Content-Security-Policy in a real browser: the whole checkout, 3-D Secure included, runs
without a single violation, and the same check does catch one when script is injected."""
import pytest
from playwright.sync_api import expect

from tests.e2e.checkout_page import open_product
from tests.security.conftest import checkout_with_3ds

pytestmark = pytest.mark.e2e

# Runs in every frame of the page (ours, Stripe's, the bank's) before any of its own scripts.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.reportCspViolation({directive: event.violatedDirective, blocked: event.blockedURI,
                             page: document.location.href});
});
"""


@pytest.fixture
def violations(page):
    seen = []
    page.expose_function("reportCspViolation", lambda violation: seen.append(violation))
    page.add_init_script(REPORT_VIOLATIONS)
    return seen


def worth_reporting(message):
    # Chrome also reports each CSP refusal in the console. (Stripe.js warns, rightly, that the
    # card containers hold a <noscript> line: not a problem.)
    return message.type == "error" or "Content Security Policy" in message.text


@pytest.fixture
def console(page):
    """Console errors, CSP reports and uncaught exceptions, from every frame."""
    seen = []
    page.on("console", lambda m: worth_reporting(m) and seen.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    return seen


def test_the_whole_checkout_runs_without_a_violation(page, shop, violations, console):
    checkout_with_3ds(page, shop)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you! Your payment went through.")
    assert violations == []
    assert console == [], console


def test_injected_script_is_refused_and_reported(page, shop, violations, console):
    open_product(page, shop, "organic-tee")
    page.evaluate("""() => {
      const inline = document.createElement('script');
      inline.textContent = 'window.injected = "inline"';
      document.body.append(inline);
      // Even a script file of the shop's own runs only with this response's nonce.
      const ours = document.createElement('script');
      ours.src = '/static/js/suggested-amounts.js';
      document.body.append(ours);
    }""")
    for _ in range(50):  # the reports come back from the browser asynchronously
        if len(violations) >= 2:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => window.injected") is None
    directives = sorted(v["directive"] for v in violations)
    assert directives == ["script-src-elem", "script-src-elem"], violations
    assert {v["blocked"] for v in violations} == {
        "inline", f"{shop.url}/static/js/suggested-amounts.js"}
    assert sum("Content Security Policy" in message for message in console) == 2, console
