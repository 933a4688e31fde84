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
  # Subscribed to the events the shop handles (storefront/payments/webhooks.py), as
  # `flask stripe webhooks` subscribes a real endpoint.
  events=$("$PY" -c "from storefront.payments.webhooks import EVENTS; print(','.join(EVENTS))")
  connect_events=$("$PY" -c \
    "from storefront.payments.webhooks import CONNECT_EVENTS; print(','.join(CONNECT_EVENTS))")
  "$PY" -m stripe_emulator --port "$port" \
    --webhook "http://127.0.0.1:5000/webhooks/stripe=${STRIPE_WEBHOOK_SECRET:-whsec_local}" \
    --webhook-events "$events" \
    --connect-webhook "http://127.0.0.1:5000/webhooks/stripe=${STRIPE_WEBHOOK_SECRET:-whsec_local}" \
    --connect-webhook-events "$connect_events" &
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
