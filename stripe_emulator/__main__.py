"""`python -m stripe_emulator --port 12111 [--host 127.0.0.1] [--webhook URL=whsec_…]
[--connect-webhook URL=whsec_…] [--webhook-events a,b,…] [--connect-webhook-events a,b,…]
[--api-version 2025-09-30.clover]
[--clock-start 2026-11-16T09:00:00Z]`"""
import argparse
import signal
import sys

from werkzeug.serving import make_server

from . import create_app
from .machinery.clock import instant
from .machinery.versions import DEFAULT_API_VERSION


def webhook(value):
    url, _, secret = value.rpartition("=")
    if not url or not secret.startswith("whsec_"):
        raise argparse.ArgumentTypeError("expected URL=whsec_…")
    return url, secret


def events(value):
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise argparse.ArgumentTypeError("expected event types, comma-separated")
    return names


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m stripe_emulator",
                                     description="Serve an offline Stripe API.")
    parser.add_argument("--port", type=int, default=12111, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--webhook", type=webhook, action="append", default=[],
                        metavar="URL=whsec_…", help="send every event here (repeatable)")
    parser.add_argument("--connect-webhook", type=webhook, action="append", default=[],
                        metavar="URL=whsec_…",
                        help="send every event of connected accounts here (repeatable)")
    parser.add_argument("--webhook-events", type=events, default=("*",), metavar="TYPE,…",
                        help="the events --webhook endpoints are sent (default every event)")
    parser.add_argument("--connect-webhook-events", type=events, default=("*",),
                        metavar="TYPE,…", help="the same for --connect-webhook endpoints")
    parser.add_argument("--api-version", default=DEFAULT_API_VERSION,
                        help="the account's default API version (default %(default)s)")
    parser.add_argument("--webhook-api-version", default=None, metavar="VERSION",
                        help="the API version of the --webhook and --connect-webhook endpoints "
                             "(default: the account's)")
    parser.add_argument("--clock-start", type=instant, default=None, metavar="INSTANT",
                        help="start the clock at this ISO 8601 instant or Unix time instead of "
                             "now (business days, settlement and payouts follow it)")
    args = parser.parse_args(argv)
    app = create_app(webhooks=args.webhook, connect_webhooks=args.connect_webhook,
                     webhook_events=args.webhook_events,
                     connect_webhook_events=args.connect_webhook_events,
                     api_version=args.api_version, clock_start=args.clock_start,
                     webhook_api_version=args.webhook_api_version)
    server = make_server(args.host, args.port, app, threaded=True)
    # SIGTERM stops as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()  # returns on Ctrl-C, closing the socket
    finally:
        app.extensions["stripe_emulator"].close()


if __name__ == "__main__":
    main()
