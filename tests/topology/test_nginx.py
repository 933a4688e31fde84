"""nginx in front of the instances (deploy/nginx/shop.conf): HTTPS only, the shop's own name
only, small bodies only."""
import requests

from tests.topology.clients import JSON, Customer


def test_plain_http_is_sent_to_https(production):
    response = requests.get(f"{production.http_url}/p/organic-tee?quantity=2",
                            allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == f"{production.url}/p/organic-tee?quantity=2"


def test_the_shop_answers_over_verified_tls_with_hsts(production):
    response = requests.get(f"{production.url}/", verify=production.ca_file, timeout=10)
    assert response.status_code == 200
    assert "Maple &amp; Ink" in response.text
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_another_host_name_is_refused(production):
    response = requests.get(f"{production.url}/", headers={"Host": "evil.example"},
                            verify=production.ca_file, timeout=10)
    assert response.status_code == 421


def test_a_client_cannot_set_the_forwarded_host(production, client_address):
    """Were a client's X-Forwarded-Host passed on, a page posted from another site that also
    named that site as the host would pass the shop's CSRF referrer check."""
    customer = Customer(production, client_address)
    form = customer.open_checkout("organic-tee") | {"email": "ada@example.com"}
    customer.page_url = "https://evil.example/p/organic-tee"
    response = customer.session.post(f"{production.url}/p/organic-tee/pay", data=form,
                                     headers={**JSON, "Referer": customer.page_url,
                                              "X-Forwarded-Host": "evil.example"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["message"].startswith("For your safety, pages on this shop expire")


def test_a_large_body_stops_at_nginx(production):
    response = requests.post(f"{production.url}/p/organic-tee", data={"x": "a" * 100_000},
                             verify=production.ca_file, timeout=10)
    assert response.status_code == 413
