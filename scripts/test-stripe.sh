#!/bin/sh
# The API and browser tests that make sense against Stripe's test mode, run against it with the
# keys in STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY; webhooks come through the Stripe CLI's
# `stripe listen --forward-to` (tests/stripe_listen.py). Tests marked local_stripe_only (the
# local Stripe's faults, clock, request log, and the emulator's own tests) are left out.
# Extra arguments go to pytest (tests/project/test_test_stripe.py passes --collect-only).
set -eu
if [ -z "${STRIPE_SECRET_KEY:-}" ] || [ -z "${STRIPE_PUBLISHABLE_KEY:-}" ]; then
    echo "test-stripe: STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are not set, so nothing ran against Stripe."
    echo "test-stripe: set them to a test mode account's keys (sk_test_…, pk_test_…) to run it."
    exit 0
fi
case "$STRIPE_SECRET_KEY" in
    sk_test_*|rk_test_*) ;;
    *) echo "test-stripe: refusing keys that are not test mode keys (sk_test_…)." >&2; exit 2 ;;
esac
exec env TEST_AGAINST_STRIPE=1 "${PY:-.venv/bin/python}" -m pytest -p no:cacheprovider \
    -m "not local_stripe_only" tests/e2e tests/checkout tests/payments tests/orders tests/admin "$@"
