"""`make test-stripe` (scripts/test-stripe.sh): what it selects to run against Stripe's test
mode, and that without keys it says so and succeeds."""
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "test-stripe.sh"


def run(**env):
    clean = {name: value for name, value in os.environ.items()
             if name not in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "TEST_AGAINST_STRIPE")}
    return subprocess.run([str(SCRIPT), "--collect-only", "-q"], cwd=ROOT, capture_output=True,
                          text=True, timeout=110, env={**clean, "PY": sys.executable, **env})


def collected_ids(collected):
    """Test ids in --collect-only -q output, without their parameters (Playwright's chromium,
    the API version of the checkout tests marked both_api_versions)."""
    return {line.split("[")[0] for line in collected.splitlines() if "::" in line}


def test_without_keys_it_says_so_and_succeeds():
    finished = run()
    assert finished.returncode == 0
    assert "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are not set" in finished.stdout


def test_live_keys_are_refused():
    finished = run(STRIPE_SECRET_KEY="sk_live_nope", STRIPE_PUBLISHABLE_KEY="pk_live_nope")
    assert finished.returncode == 2


def test_it_selects_the_checkout_and_nothing_that_needs_the_local_stripe():
    finished = run(STRIPE_SECRET_KEY="sk_test_collect", STRIPE_PUBLISHABLE_KEY="pk_test_collect")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    selected = collected_ids(finished.stdout)

    assert "tests/e2e/test_checkout.py::test_pay_with_4242_lands_on_the_receipt" in selected
    assert "tests/e2e/test_checkout.py::test_3ds_failed_then_paid_with_another_card_on_the_same_order" \
        in selected
    assert "tests/payments/test_refunds.py::test_partial_then_the_rest" in selected
    # Faults, the clock and the request log exist only in the local Stripe.
    assert not selected & {
        "tests/admin/test_refunds.py::"
        "test_a_refund_that_fails_later_shows_stripes_reason_and_is_refundable_again",
        "tests/payments/test_refunds.py::test_a_lost_answer_is_asked_again_with_its_key",
        "tests/payments/test_no_double_charge.py::test_a_timeout_then_a_retry_takes_stripes_first_answer",
        "tests/e2e/test_checkout.py::test_3ds_challenge_completed",
        "tests/payments/test_webhooks.py::test_real_deliveries_out_of_order_and_twice_fulfil_once",
    }
    assert not any(name.startswith("tests/emulator/") for name in selected)
