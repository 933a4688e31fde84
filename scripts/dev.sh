#!/usr/bin/env bash
# `make run`: the shop on :5000, with the local Stripe on :12111 unless real Stripe keys are set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export SHOP_CONFIG=${SHOP_CONFIG:-development}
LOCAL_STRIPE_URL=${LOCAL_STRIPE_URL:-http://127.0.0.1:12111}

"$PY" -m flask --app wsgi db upgrade
"$PY" -m flask --app wsgi catalog load

if [[ -z "${STRIPE_SECRET_KEY:-}" || -z "${STRIPE_PUBLISHABLE_KEY:-}" ]]; then
  port=${LOCAL_STRIPE_URL##*:}
  # The endpoints speak the shop's API version (config STRIPE_API_VERSION), as in production.
  version=$("$PY" -c 'import config; print(config.Config.STRIPE_API_VERSION)')
  "$PY" -m stripe_emulator --port "$port" --webhook-api-version "$version" \
    --webhook "http://127.0.0.1:5000/webhooks/stripe=${STRIPE_WEBHOOK_SECRET:-whsec_local}" \
    --connect-webhook "http://127.0.0.1:5000/webhooks/stripe=${STRIPE_WEBHOOK_SECRET:-whsec_local}" &
  emulator=$!
  trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null' EXIT
  for _ in $(seq 50); do
    "$PY" -c "import urllib.request as u; u.urlopen('$LOCAL_STRIPE_URL/_emulator/requests')" \
      2>/dev/null && break
    sleep 0.1
  done
  echo "Local Stripe at $LOCAL_STRIPE_URL (no Stripe account needed)"
else
  echo "Using real Stripe with the keys from the environment"
fi
"$PY" -m flask --app wsgi run --host 127.0.0.1 --port 5000
