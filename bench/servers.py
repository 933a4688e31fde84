"""The servers a bench run measures: the local Stripe, the shop and the bare-Flask yardstick under
gunicorn, each its own process on a free loopback port, all stopped when the run ends."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

from storefront.payments.webhooks import EVENTS

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SECRET = "whsec_bench"
# Environment that could point the shop at real Stripe: never inherited by a bench server.
STRIPE_VARIABLES = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET",
                    "STRIPE_API_BASE", "STRIPE_JS_URL")


def free_port():
    # The port is free when asked; gunicorn binds it a moment later. The local Stripe, which
    # must know the shop's address for its webhooks, is started with that address first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shop_environment(workdir, stripe_url):
    """Development settings pointed at the local Stripe and a fresh SQLite database."""
    env = {name: value for name, value in os.environ.items() if name not in STRIPE_VARIABLES}
    env.update(
        SHOP_CONFIG="development",
        DATABASE_URL=f"sqlite:///{workdir / 'shop.db'}",
        LOCAL_STRIPE_URL=stripe_url,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        SECRET_KEY="bench-only",
        # The shop's own limits: the price partial's GET, which the load test sends from one
        # address, is not limited (storefront/web/limits.py).
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare_database(env):
    for command in (["db", "upgrade"], ["catalog", "load"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT,
                       env=env, check=True, capture_output=True)


@contextmanager
def process(args, env, log_path):
    """Run `args` until the block ends; its output goes to `log_path`."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_until_up(url, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextmanager
def local_stripe(workdir, webhook_url):
    port = free_port()
    args = [sys.executable, "-m", "stripe_emulator", "--port", str(port),
            "--webhook", f"{webhook_url}={WEBHOOK_SECRET}", "--webhook-events", ",".join(EVENTS)]
    with process(args, dict(os.environ), workdir / "stripe.log") as proc:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/_emulator/requests", proc)
        yield url


@contextmanager
def gunicorn(app, port, env, log_path, workers, ready_path="/"):
    """`app` ("module:object") under gunicorn.conf.py, the settings production uses; yields
    its URL and the master's pid."""
    env = env | {"WEB_CONCURRENCY": str(workers), "GUNICORN_BIND": f"127.0.0.1:{port}"}
    # No control socket: every gunicorn on the machine would share the default path.
    args = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
            "--no-control-socket", app]
    with process(args, env, log_path) as proc:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + ready_path, proc)
        yield url, proc.pid


@contextmanager
def all_servers(workdir, workers):
    """Yield the URLs of the local Stripe, the shop and bare Flask, and the shop's database,
    with the demo catalog loaded."""
    with ExitStack() as stack:
        shop_port = free_port()
        shop_url = f"http://127.0.0.1:{shop_port}"
        stripe_url = stack.enter_context(local_stripe(workdir, f"{shop_url}/webhooks/stripe"))
        env = shop_environment(workdir, stripe_url)
        prepare_database(env)
        _, shop_pid = stack.enter_context(
            gunicorn("wsgi:app", shop_port, env, workdir / "shop.log", workers))
        hello_url, hello_pid = stack.enter_context(gunicorn(
            "bench.hello:app", free_port(), env, workdir / "hello.log", workers, "/hello"))
        yield {"stripe": stripe_url, "shop": shop_url, "hello": hello_url,
               "database": env["DATABASE_URL"], "pids": {"quote": shop_pid, "hello": hello_pid}}
