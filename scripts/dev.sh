#!/usr/bin/env bash
# `make run [PORT=5000]`: the shop on PORT, with the local Stripe on :12111 unless real Stripe
# keys are set. The shop's own links (emails, Stripe's return URLs) and the local Stripe's
# webhooks follow PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-5000}
export SHOP_CONFIG=${SHOP_CONFIG:-development}
export SHOP_URL=${SHOP_URL:-http://127.0.0.1:$PORT}
LOCAL_STRIPE_URL=${LOCAL_STRIPE_URL:-http://127.0.0.1:12111}

"$PY" -m flask --app wsgi db upgrade
"$PY" -m flask --app wsgi catalog load

if [[ -z "${STRIPE_SECRET_KEY:-}" || -z "${STRIPE_PUBLISHABLE_KEY:-}" ]]; then
  port=${LOCAL_STRIPE_URL##*:}
  # The endpoints speak the shop's API version (config STRIPE_API_VERSION) and are subscribed to
  # the events the shop handles (storefront/payments/webhooks.py), as `flask stripe webhooks`
  # makes a real endpoint.
  version=$("$PY" -c 'import config; print(config.Config.STRIPE_API_VERSION)')
  events=$("$PY" -c "from storefront.payments.webhooks import EVENTS; print(','.join(EVENTS))")
  connect_events=$("$PY" -c \
    "from storefront.payments.webhooks import CONNECT_EVENTS; print(','.join(CONNECT_EVENTS))")
  "$PY" -m stripe_emulator --port "$port" --webhook-api-version "$version" \
    --webhook "$SHOP_URL/webhooks/stripe=${STRIPE_WEBHOOK_SECRET:-whsec_local}" \
    --webhook-events "$events" \
    --connect-webhook "$SHOP_URL/webhooks/stripe=${STRIPE_WEBHOOK_SECRET:-whsec_local}" \
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
"$PY" -m flask --app wsgi run --host 127.0.0.1 --port "$PORT"
