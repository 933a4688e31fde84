"""The checkout page stays light: first-party HTML, CSS and JS within 30 KB as gzip sends them,
and no first-party script that holds up the first paint. `make bench` measures the same in
chromium; this keeps it true between bench runs."""
import json
import re

BUDGET_BYTES = 30 * 1024
PAGE = "/p/letterpress-workshop"
GZIP = {"Accept-Encoding": "gzip"}


def first_party_files(html):
    """Stylesheets and scripts the page links, and every module its import map can load."""
    urls = re.findall(r'<link rel="stylesheet" href="(/[^"]+)"', html)
    urls += re.findall(r'<script[^>]* src="(/[^"]+)"', html)
    imports = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', html, re.S)
    urls += json.loads(imports.group(1))["imports"].values()
    return sorted(set(urls))


def test_checkout_page_weighs_at_most_30_kb_gzipped(client):
    page = client.get(PAGE, headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip"
    html = client.get(PAGE).get_data(as_text=True)
    total = len(page.data)
    for url in first_party_files(html):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        total += len(response.get_data())
    assert total <= BUDGET_BYTES, f"{total / 1024:.1f} KB"


def test_no_first_party_script_blocks_rendering(client):
    html = client.get(PAGE).get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    external = [tag for tag in scripts if " src=" in tag]
    assert external
    for tag in external:
        assert re.search(r'\s(defer|async)\b|type="module"', tag), tag
