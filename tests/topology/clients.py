"""Customers without a browser, against the production topology: through nginx from a loopback
address of their own, or straight to a gunicorn instance with the headers nginx would have set
(as if a request reached each instance through the proxy)."""
import socket
import ssl
import time

import requests
from requests.adapters import HTTPAdapter

from tests.shop.helpers import hidden_fields

JSON = {"Accept": "application/json"}


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
        self.page_url = f"{self.production.url}/p/{slug}"
        response = self.session.get(self.page_url, timeout=10)
        response.raise_for_status()
        self.page = hidden_fields(response.text)
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


def wait_for(predicate, timeout=15, message="condition"):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{message}: not after {timeout} s")
        time.sleep(0.1)
