"""`python -m tests.smtp_server --spool DIR [--login USER:PASSWORD] [--port PORT]`: the SMTP
server of tests/smtp.py (STARTTLS required before MAIL, AUTH only over TLS, a certificate from a
CA made for this run) as a process of its own, for scripts/with-production.sh, whose shop
instances run outside pytest.

Once it listens it writes DIR/server.json ({"port": …, "ca_file": …}, the CA copied into DIR);
then each message it accepts goes to DIR/NNNN.eml, whole (written aside, then renamed in).
SIGTERM or Ctrl-C stops it. Started again on the same DIR and --port (scripts/with-production.sh's
smtp-start, after an outage), it numbers on from the messages already there.
"""
import argparse
import json
import shutil
import signal
import sys
import time
from pathlib import Path

from tests.smtp import smtp_server


def spool(messages, folder, written, before=0):
    """Write the messages after the first `written` to `folder`, numbered after the `before`
    already there; returns the new count."""
    for number, message in enumerate(messages[written:], start=before + written + 1):
        part = folder / f"{number:04}.eml.part"
        part.write_bytes(message.as_bytes())
        part.rename(folder / f"{number:04}.eml")
    return len(messages)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.smtp_server")
    parser.add_argument("--spool", type=Path, required=True)
    parser.add_argument("--login", default="shop:shop-mail-password", metavar="USER:PASSWORD")
    parser.add_argument("--port", type=int, default=None, help="default: a free one")
    args = parser.parse_args(argv)
    user, _, password = args.login.partition(":")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    args.spool.mkdir(parents=True, exist_ok=True)
    before = len(list(args.spool.glob("*.eml")))
    with smtp_server(tls="starttls", users={user: password}, port=args.port) as server:
        ca_file = args.spool / "ca.pem"
        shutil.copyfile(server.ca_file, ca_file.with_suffix(".part"))
        ca_file.with_suffix(".part").rename(ca_file)  # the shop reads it for each connection
        info = {"port": server.port, "ca_file": str(ca_file), "url": server.url(user, password)}
        (args.spool / "server.json.part").write_text(json.dumps(info))
        (args.spool / "server.json.part").rename(args.spool / "server.json")
        written = 0
        try:
            while True:
                written = spool(server.messages, args.spool, written, before)
                time.sleep(0.05)
        finally:
            spool(server.messages, args.spool, written, before)


if __name__ == "__main__":
    main()
