#!/usr/bin/env bash
# `scripts/with-production.sh COMMAND…`: run COMMAND against the shop as production runs it, all on
# loopback: Debian's nginx (deploy/nginx/shop.conf, over TLS) in front of two gunicorn instances
# (SHOP_CONFIG=production) sharing one PostgreSQL (scripts/with-postgres.sh) and one redis-server,
# the local Stripe sending its webhooks through nginx, and an SMTP server with TLS that keeps the
# receipts it gets. Everything is stopped and deleted afterwards, whether COMMAND passed, failed or
# was interrupted. nginx and redis-server are installed from Debian when missing (as root). With
# TEST_DATABASE_URL already set, no PostgreSQL is started: the shop's database is made on that
# server, under a new name, and dropped afterwards.
#
# COMMAND gets:
#   PRODUCTION_URL            the shop through nginx (https://127.0.0.1:…)
#   PRODUCTION_HTTP_URL       nginx's plain-HTTP port (redirects to PRODUCTION_URL)
#   PRODUCTION_INSTANCE_URLS  each gunicorn instance, space-separated (http://127.0.0.1:…)
#   PRODUCTION_STRIPE_URL     the local Stripe
#   PRODUCTION_STRIPE_SECRET_KEY  the shop's key there
#   PRODUCTION_MAIL_SPOOL     where the SMTP server keeps each message it accepted
#   PRODUCTION_DATABASE_URL   the shop's database
#   PRODUCTION_REDIS_URL      the rate limits' Redis
#   PRODUCTION_CA_FILE        the CA that signed nginx's certificate (PRODUCTION_CERT_FILE)
#   PRODUCTION_LOG_DIR        every server's log (gunicorn's access logs say which instance served what)
#   PRODUCTION_CONTROL        a folder of commands that break and mend the topology, for tests of
#                             faults; each returns once done (a server started again answers):
#       instance-kill N       SIGKILL gunicorn instance N (1 or 2): its master and workers at once
#       instance-start N      start instance N again, on its address
#       redis-stop, redis-start, smtp-stop, smtp-start   the same server on the same port
#       postgres-restart [SECONDS]   fast shutdown, SECONDS (0) down, start (with-postgres.sh's
#                             server only: missing when TEST_DATABASE_URL named another)
#       flask ARGS…           a `flask --app wsgi` command in the shop's environment, as an
#                             operator's timer runs `flask orders reconcile`
# Every server runs in a process group of its own, its pid in a file; cleanup stops each one,
# whoever (re)started it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$root/.venv/bin/python}

# Start a server in a process group of its own (setsid: a kill reaches its workers too), its
# output to log/NAME.log and its pid to pids/NAME.pid.
start_server() {
  local name=$1; shift
  (cd "$root" && exec setsid "$@" </dev/null >>"$run/log/$name.log" 2>&1) &
  echo $! >"$run/pids/$name.pid"
  disown  # its end, however it comes (instance-kill), is for stop_server to see, not reported
}

alive() { [[ -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# Stop the server NAME (SIGTERM, or `signal`) and wait until it is gone, its group with it.
stop_server() {
  local name=$1 signal=${2:-TERM} pid
  [[ -s "$run/pids/$name.pid" ]] || return 0
  pid=$(cat "$run/pids/$name.pid")
  if [[ $signal == KILL ]]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  kill "-$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true  # what is left of the group: workers, children
  rm -f "$run/pids/$name.pid"
}

start_redis() {
  start_server redis redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$run" --logfile "$run/log/redis.log"
}

# The SMTP server (tests/smtp_server.py), on a free port the first time and on that one after.
start_smtp() {
  rm -f "$run/mail/server.json"
  start_server smtp "$PY" -m tests.smtp_server --spool "$run/mail" ${smtp_port:+--port "$smtp_port"}
  "$PY" - "$run/mail/server.json" <<'PYTHON' || { echo "with-production: the SMTP server did not start" >&2; exit 1; }
import pathlib, sys, time
deadline = time.monotonic() + 60
while not pathlib.Path(sys.argv[1]).exists():
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.05)
PYTHON
}

start_instance() {
  local number=$1
  start_server "gunicorn-$number" env "${shop_env[@]}" \
    GUNICORN_BIND="127.0.0.1:${instance_ports[$((number - 1))]}" "$PY" -m gunicorn \
    -c gunicorn.conf.py --access-logfile "$run/log/gunicorn-$number-access.log" wsgi:app
}

# `with-production.sh --control RUN COMMAND ARGS…`: what the scripts in $PRODUCTION_CONTROL run.
control() {
  run=$1 command=$2; shift 2
  # shellcheck source=/dev/null
  source "$run/control/settings"
  case $command in
    instance-kill) stop_server "gunicorn-$1" KILL ;;
    instance-start)
      start_instance "$1"
      wait_for "gunicorn instance $1" "http://127.0.0.1:${instance_ports[$(($1 - 1))]}/" ;;
    redis-stop) stop_server redis ;;
    redis-start)
      start_redis
      "$PY" - "$redis_port" <<'PYTHON' || { echo "with-production: Redis did not start" >&2; exit 1; }
import socket, sys, time
deadline = time.monotonic() + 30
while True:
    try:
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.05)
PYTHON
      ;;
    smtp-stop) stop_server smtp ;;
    smtp-start) start_smtp ;;
    postgres-restart) "$TEST_POSTGRES_RESTART" "$@" ;;
    flask) cd "$root" && exec env "${shop_env[@]}" "$PY" -m flask --app wsgi "$@" ;;
    *) echo "with-production: no control command $command" >&2; exit 2 ;;
  esac
}

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits until `url` answers at all (any HTTP status), or gives up after 60 s.
wait_for() {
  local name=$1 url=$2
  "$PY" - "$url" "$run/tls/ca.pem" <<'PYTHON' || { echo "with-production: $name did not start" >&2; exit 1; }
import ssl, sys, time, urllib.error, urllib.request
url, ca = sys.argv[1:]
class Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None  # a redirect is an answer too (an instance sends plain HTTP to https://)
opener = urllib.request.build_opener(Stay, urllib.request.HTTPSHandler(
    context=ssl.create_default_context(cafile=ca)))
deadline = time.monotonic() + 60
while True:
    try:
        opener.open(url, timeout=2)
        break
    except urllib.error.HTTPError:
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.1)
PYTHON
}

if [[ ${1:-} == --control ]]; then
  shift
  control "$@"
  exit
fi

# First a throwaway PostgreSQL: this script runs again inside scripts/with-postgres.sh.
if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
  exec "$root/scripts/with-postgres.sh" "$0" "$@"
fi

missing=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v envsubst >/dev/null || missing+=(gettext-base)
if (( ${#missing[@]} )); then
  if [[ $(id -u) != 0 ]]; then
    echo "with-production: missing ${missing[*]}; run as root or: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  # Debian starts the packaged services; this script runs its own, on other ports.
  for service in nginx redis-server; do
    systemctl disable --now "$service" >/dev/null 2>&1 || true
  done
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

run=$(mktemp -d -t shop-production.XXXXXX)
chmod 755 "$run"
mkdir -p "$run/log" "$run/mail" "$run/nginx" "$run/pids" "$run/control"
cleanup() {
  status=$?
  if [[ -s "$run/nginx/nginx.pid" ]]; then
    nginx_pid=$(cat "$run/nginx/nginx.pid")
    kill -TERM "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # Every server, as it runs now: started here or again by a control command.
  for file in "$run"/pids/*.pid; do
    [[ -e $file ]] && stop_server "$(basename "$file" .pid)"
  done
  if [[ -n "${database_url:-}" ]]; then
    "$PY" - "$TEST_DATABASE_URL" "$database_url" <<'PYTHON' >/dev/null 2>&1 || true
import sys
import sqlalchemy
engine = sqlalchemy.create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with engine.connect() as connection:
    name = sqlalchemy.make_url(sys.argv[2]).database
    connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
PYTHON
  fi
  # On a failure, the servers' last words (5 is pytest's "no test selected": nothing failed).
  if [[ $status != 0 && $status != 5 ]]; then
    for log in "$run"/log/*.log; do
      echo "with-production: last lines of $(basename "$log"):" >&2
      tail -n 15 "$log" >&2
    done
  fi
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A CA for the run and nginx's certificate from it: the local Stripe's webhooks and the tests
# verify nginx against it. (The SMTP server makes its own.)
"$PY" - "$run/tls" <<'PYTHON'
import pathlib, sys, trustme
out = pathlib.Path(sys.argv[1]); out.mkdir()
ca = trustme.CA(organization_name="with-production.sh")
ca.cert_pem.write_to_path(out / "ca.pem")
server = ca.issue_cert("127.0.0.1", "localhost")
server.cert_chain_pems[0].write_to_path(out / "cert.pem")
for pem in server.cert_chain_pems[1:]:
    pem.write_to_path(out / "cert.pem", append=True)
server.private_key_pem.write_to_path(out / "key.pem")
PYTHON
chmod 644 "$run/tls/"*.pem

http_port=$(free_port) https_port=$(free_port) redis_port=$(free_port)
stripe_port=$(free_port)
instance_ports=("$(free_port)" "$(free_port)")
shop_url="https://127.0.0.1:$https_port"

# Redis: loopback only, nothing written to disk.
start_redis
redis_url="redis://127.0.0.1:$redis_port/0"

# The local Stripe, as Stripe: webhooks to the shop's public endpoint, over verified TLS, in the
# shop's API version (config STRIPE_API_VERSION), as docs/production.md creates its endpoint.
webhook_secret="whsec_$("$PY" -c 'import secrets; print(secrets.token_hex(24))')"
webhook_version=$(cd "$root" && "$PY" -c 'import config; print(config.Config.STRIPE_API_VERSION)')
start_server stripe env SSL_CERT_FILE="$run/tls/ca.pem" "$PY" -m stripe_emulator --port "$stripe_port" \
  --webhook-api-version "$webhook_version" --webhook "$shop_url/webhooks/stripe=$webhook_secret"
stripe_url="http://127.0.0.1:$stripe_port"
stripe_secret_key=sk_test_production

# The shop's own database, new, on the server of TEST_DATABASE_URL (with-postgres.sh's), apart
# from the tests' one (tests that use TEST_DATABASE_URL empty it); dropped afterwards.
database_url=$("$PY" - "$TEST_DATABASE_URL" <<'PYTHON'
import secrets, sys
import sqlalchemy
url = sqlalchemy.make_url(sys.argv[1])
name = f"shop_production_{secrets.token_hex(4)}"
engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
with engine.connect() as connection:
    connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
print(url.set(database=name).render_as_string(hide_password=False))
PYTHON
)

# The SMTP server (tests/smtp.py in a process): STARTTLS and a login, from a CA of its own.
start_smtp
smtp_setting() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$run/mail/server.json" "$1"; }
smtp_port=$(smtp_setting port)

# The environment of the shop's processes (not COMMAND's): every setting production requires,
# set as an operator would.
shop_env=(
  SHOP_CONFIG=production
  DATABASE_URL="$database_url"
  SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')"
  STRIPE_SECRET_KEY="$stripe_secret_key" STRIPE_PUBLISHABLE_KEY=pk_test_production
  STRIPE_WEBHOOK_SECRET="$webhook_secret"
  STRIPE_API_BASE="$stripe_url" STRIPE_JS_URL="$stripe_url/v3/"
  RATELIMIT_STORAGE_URI="$redis_url"
  TRUSTED_PROXIES=1
  SHOP_URL="$shop_url"
  SMTP_URL="$(smtp_setting url)" SMTP_CA_FILE="$(smtp_setting ca_file)"
  MAIL_FROM="Maple & Ink <orders@example.com>"
  WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}" GUNICORN_THREADS="${GUNICORN_THREADS:-4}"
)

# A release: the schema and the catalog, once for every instance.
(cd "$root" && env "${shop_env[@]}" "$PY" -m flask --app wsgi db upgrade \
  && env "${shop_env[@]}" "$PY" -m flask --app wsgi catalog load) >"$run/log/release.log" 2>&1 \
  || { cat "$run/log/release.log" >&2; exit 1; }

instance_urls=()
for index in "${!instance_ports[@]}"; do
  start_instance $((index + 1))
  instance_urls+=("http://127.0.0.1:${instance_ports[$index]}")
done

# nginx: deploy/nginx/shop.conf rendered for loopback, inside a minimal main configuration.
upstreams=""
for port in "${instance_ports[@]}"; do upstreams+="server 127.0.0.1:$port; "; done
SHOP_SERVER_NAME=127.0.0.1 SHOP_LISTEN=127.0.0.1 SHOP_HTTP_PORT=$http_port \
  SHOP_HTTPS_PORT=$https_port SHOP_TLS_CERTIFICATE="$run/tls/cert.pem" \
  SHOP_TLS_CERTIFICATE_KEY="$run/tls/key.pem" SHOP_UPSTREAM_SERVERS="$upstreams" \
  envsubst "$(sed -n 's/^# *- \(SHOP_[A-Z_]*\).*/$\1/p' "$root/deploy/nginx/shop.conf")" \
  <"$root/deploy/nginx/shop.conf" >"$run/nginx/shop.conf"
cat >"$run/nginx/nginx.conf" <<NGINX
# Debian's nginx.conf, cut down to what a throwaway server under one user needs.
$([[ $(id -u) == 0 ]] && echo "user root;")
worker_processes 1;
pid $run/nginx/nginx.pid;
error_log $run/log/nginx-error.log;
events { worker_connections 768; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $run/log/nginx-access.log;
    client_body_temp_path $run/nginx/body;
    proxy_temp_path $run/nginx/proxy;
    fastcgi_temp_path $run/nginx/fastcgi;
    uwsgi_temp_path $run/nginx/uwsgi;
    scgi_temp_path $run/nginx/scgi;
    include $run/nginx/shop.conf;
}
NGINX
"$NGINX" -t -q -p "$run/nginx" -c "$run/nginx/nginx.conf" -e "$run/log/nginx-error.log"
"$NGINX" -p "$run/nginx" -c "$run/nginx/nginx.conf" -e "$run/log/nginx-error.log"

wait_for "the local Stripe" "$stripe_url/_emulator/requests"
for url in "${instance_urls[@]}"; do wait_for "gunicorn at $url" "$url/"; done
wait_for "nginx" "$shop_url/"

export PRODUCTION_URL="$shop_url"
export PRODUCTION_HTTP_URL="http://127.0.0.1:$http_port"
export PRODUCTION_INSTANCE_URLS="${instance_urls[*]}"
export PRODUCTION_STRIPE_URL="$stripe_url" PRODUCTION_STRIPE_SECRET_KEY="$stripe_secret_key"
export PRODUCTION_MAIL_SPOOL="$run/mail"
export PRODUCTION_DATABASE_URL="$database_url"
export PRODUCTION_REDIS_URL="$redis_url"
export PRODUCTION_CA_FILE="$run/tls/ca.pem" PRODUCTION_CERT_FILE="$run/tls/cert.pem"
export PRODUCTION_LOG_DIR="$run/log"

# The control commands: what they need, then one small script each.
declare -p root PY run redis_port smtp_port instance_ports shop_env >"$run/control/settings"
[[ -n ${TEST_POSTGRES_RESTART:-} ]] && declare -p TEST_POSTGRES_RESTART >>"$run/control/settings"
commands=(instance-kill instance-start redis-stop redis-start smtp-stop smtp-start flask)
[[ -n ${TEST_POSTGRES_RESTART:-} ]] && commands+=(postgres-restart)
for command in "${commands[@]}"; do
  printf '#!/usr/bin/env bash\nexec %q --control %q %q "$@"\n' \
    "$root/scripts/with-production.sh" "$run" "$command" >"$run/control/$command"
  chmod 755 "$run/control/$command"
done
export PRODUCTION_CONTROL="$run/control"
echo "with-production: nginx at $shop_url, gunicorn at ${instance_urls[*]}, Stripe at $stripe_url"
"$@"
