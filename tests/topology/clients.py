"""The production topology that scripts/with-production.sh started (Production), and clients
without a browser against it: customers through nginx from a loopback address of their own, or
straight to a gunicorn instance with the headers nginx would have set; slow clients."""
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from tests.helpers import US_ADDRESS, hidden_fields
from tests.waiting import wait_for

JSON = {"Accept": "application/json"}


@dataclass(frozen=True)
class Production:
    url: str                 # nginx, https
    http_url: str            # nginx's plain HTTP port
    instances: tuple         # each gunicorn instance, http
    stripe_url: str
    stripe_secret_key: str   # the shop's, for reading what it did at the local Stripe
    mail_spool: Path
    database_url: str
    redis_url: str
    ca_file: str
    cert_file: str
    log_dir: Path

    @classmethod
    def from_environment(cls):
        env = os.environ
        return cls(
            url=env["PRODUCTION_URL"], http_url=env["PRODUCTION_HTTP_URL"],
            instances=tuple(env["PRODUCTION_INSTANCE_URLS"].split()),
            stripe_url=env["PRODUCTION_STRIPE_URL"],
            stripe_secret_key=env["PRODUCTION_STRIPE_SECRET_KEY"],
            mail_spool=Path(env["PRODUCTION_MAIL_SPOOL"]),
            database_url=env["PRODUCTION_DATABASE_URL"], redis_url=env["PRODUCTION_REDIS_URL"],
            ca_file=env["PRODUCTION_CA_FILE"], cert_file=env["PRODUCTION_CERT_FILE"],
            log_dir=Path(env["PRODUCTION_LOG_DIR"]),
        )

    @property
    def host(self):
        """The Host a browser sends to nginx: 127.0.0.1:PORT."""
        return self.url.split("://", 1)[1]


class FromAddress(HTTPAdapter):
    """Connections made from `address` (a loopback address other than 127.0.0.1)."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs, source_address=(self.address, 0))


class Customer:
    """One customer: a cookie jar, a client address, and the checkout page they have open."""

    def __init__(self, production, address):
        self.production = production
        self.address = address
        self.session = requests.Session()
        # Not REQUESTS_CA_BUNDLE or proxies from the environment: nginx, verified by the run's CA.
        self.session.trust_env = False
        self.session.verify = production.ca_file
        self.session.mount("https://", FromAddress(address))
        self.page = {}
        self.page_url = None

    def open_checkout(self, slug):
        """The page's hidden fields; for a product that ships, priced to a US address, with it."""
        self.page_url = f"{self.production.url}/p/{slug}"
        response = self.session.get(self.page_url, timeout=10)
        response.raise_for_status()
        address = {}
        if 'name="ship_country"' in response.text:
            address = US_ADDRESS
            response = self.session.get(self.page_url, params={"ship_country": "US"}, timeout=10)
            response.raise_for_status()
        self.page = {**hidden_fields(response.text), **address}
        return self.page

    def pay_form(self, payment_method, email="ada@example.com"):
        return {**self.page, "payment_method": payment_method, "email": email}

    def post(self, path, data, base=None, timeout=60):
        """POST through nginx, or to the instance at `base` as nginx would pass it on."""
        headers = {**JSON, "Referer": self.page_url}
        if base is None:
            return self.session.post(f"{self.production.url}{path}", data=data,
                                     headers=headers, timeout=timeout)
        # The session cookie is Secure: requests keeps it off plain http, nginx would pass it on.
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        headers |= forwarded(self.production, self.address) | {"Cookie": cookie}
        return requests.post(f"{base}{path}", data=data, headers=headers, timeout=timeout,
                             allow_redirects=False)


def forwarded(production, address):
    """The headers nginx sets for a client at `address` (deploy/nginx/shop.conf)."""
    return {"X-Forwarded-For": address, "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": production.host}


def tls_socket(production, timeout=30):
    """A TLS connection to nginx, as a slow client opens it."""
    context = ssl.create_default_context(cafile=production.ca_file)
    host, port = production.host.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    return context.wrap_socket(sock, server_hostname=host)


CLIENTS = 20
BYTE_EVERY = 0.3  # seconds between two bytes of a slow client


def slow_request(host, part):
    """What a slow client sends at once, and then byte by byte: its headers, or (past the
    headers) its body."""
    if part == "headers":
        return b"", f"GET / HTTP/1.1\r\nHost: {host}\r\nX-Slow: {'a' * 200}\r\n\r\n".encode()
    body = b"quantity=2&" + b"a" * 200
    head = (f"POST /p/organic-tee HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head, body


class SlowClients:
    """`count` connections to nginx (or, given `instance`, straight to that gunicorn instance),
    each trickling its request until stopped."""

    def __init__(self, production, part, count=CLIENTS, instance=None):
        self.production, self.part, self.count, self.instance = production, part, count, instance
        self.stop = threading.Event()
        self.trickling = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.trickle, daemon=True) for _ in range(count)]

    def connect(self):
        if self.instance is None:
            return tls_socket(self.production)
        host, port = self.instance.split("://", 1)[1].rsplit(":", 1)
        return socket.create_connection((host, int(port)), timeout=30)

    def trickle(self):
        head, slow = slow_request(self.production.host, self.part)
        with self.connect() as sock:
            sock.sendall(head)
            with self.lock:
                self.trickling += 1
            try:
                for byte in slow:
                    if self.stop.wait(BYTE_EVERY):
                        return
                    sock.sendall(bytes([byte]))
            except OSError:
                pass  # the server gave up on this client (nginx's client_header/body_timeout)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        wait_for(lambda: self.trickling == self.count, "slow clients connected", seconds=20)
        time.sleep(3 * BYTE_EVERY)  # each has sent a few bytes: their requests are half-read
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)
