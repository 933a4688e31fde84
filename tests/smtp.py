"""A real SMTP server for tests: aiosmtpd in this process, on a free loopback port, with TLS from
a certificate authority the test makes (trustme). Never a mock of smtplib.

    with smtp_server(tls="starttls", users={"shop": "secret"}, refuse={"bad@example.com"}) as server:
        app.config["SMTP_URL"] = server.url("shop", "secret")   # smtp://shop:secret@localhost:PORT
        app.config["SMTP_CA_FILE"] = server.ca_file
        ...
        server.messages     # every message accepted: email.message.EmailMessage, in order
        server.logins       # every AUTH attempt: (username, accepted)

tls: "starttls" (the server offers STARTTLS and requires it before MAIL), "implicit" (TLS from
the first byte, the smtps:// scheme), or None (plain text, to show the shop refuses it).
users: if given, AUTH is required (and only offered over TLS) with these usernames/passwords.
refuse: recipients answered "550 5.1.1" (a permanent refusal); defer: recipients answered
"451 4.3.0" (a temporary one).
certificate_for: the names the server's certificate is issued for; trusted=False issues it from
another CA than the one in `ca_file`, as an impostor's server would.
"""
import email
import email.policy
import socket
import ssl
import tempfile
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

# aiosmtpd's own noise: it warns about AUTH without STARTTLS on an implicit-TLS server (which is
# encrypted from the first byte) and about an attribute it reads itself.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
warnings.filterwarnings("ignore", message="Session.login_data is deprecated")

HOST = "127.0.0.1"
# The name the shop connects to; the certificate names it (and the address) unless told otherwise.
NAME = "localhost"


@dataclass
class SMTPServer:
    host: str
    port: int
    ca_file: str
    scheme: str
    messages: list = field(default_factory=list)
    logins: list = field(default_factory=list)
    # (recipient, reply) for every RCPT the server refused
    refusals: list = field(default_factory=list)
    refuse: set = field(default_factory=set)
    defer: set = field(default_factory=set)

    def url(self, username=None, password=None, host=NAME):
        """The SMTP_URL for this server, e.g. smtp://user:pass@localhost:PORT."""
        credentials = f"{username}:{password}@" if username else ""
        return f"{self.scheme}://{credentials}{host}:{self.port}"

    def received_by(self, address):
        return [m for m in self.messages if address in m["To"]]


class _Handler:
    def __init__(self, server):
        self.server = server
        self.lock = threading.Lock()

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.refuse:
            reply = "550 5.1.1 Recipient address rejected: user unknown"
        elif address in self.server.defer:
            reply = "451 4.3.0 Mailbox temporarily unavailable, try again later"
        else:
            envelope.rcpt_tos.append(address)
            return "250 OK"
        with self.lock:
            self.server.refusals.append((address, reply))
        return reply

    async def handle_DATA(self, smtp, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.server.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(tls="starttls", users=None, refuse=(), defer=(), certificate_for=(NAME, HOST),
                trusted=True, port=None):
    """port: a given port (a server started again where the shop expects it), or a free one."""
    ca = trustme.CA()
    issuer = ca if trusted else trustme.CA()
    certificate = issuer.issue_cert(*certificate_for)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)

    with tempfile.TemporaryDirectory() as folder:
        ca_file = Path(folder) / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        server = SMTPServer(
            host=HOST, port=port or _free_port(), ca_file=str(ca_file),
            scheme="smtps" if tls == "implicit" else "smtp",
            refuse=set(refuse), defer=set(defer),
        )

        def authenticate(smtp, session, envelope, mechanism, auth_data):
            username = auth_data.login.decode()
            accepted = users.get(username) == auth_data.password.decode()
            server.logins.append((username, accepted))
            return AuthResult(success=accepted)

        parameters = {}
        if tls == "starttls":
            parameters.update(tls_context=server_context, require_starttls=True)
        if users is not None:
            # aiosmtpd counts only STARTTLS as TLS; an implicit-TLS connection is encrypted anyway.
            parameters.update(authenticator=authenticate, auth_required=True,
                              auth_require_tls=tls == "starttls")
        controller = Controller(
            _Handler(server), hostname=HOST, port=server.port, server_hostname=NAME,
            ssl_context=server_context if tls == "implicit" else None, **parameters,
        )
        controller.start()
        try:
            yield server
        finally:
            controller.stop()
