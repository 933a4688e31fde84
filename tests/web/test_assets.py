"""Static files: fingerprinted URLs, a year of caching for them, compression, the import map."""
import gzip
import json
import re
from pathlib import Path
from urllib.parse import urljoin

from flask import url_for

FOREVER = "public, max-age=31536000, immutable"


def product_page(client):
    return client.get("/p/city-lights-poster").get_data(as_text=True)


def static_urls(html):
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_every_static_url_is_fingerprinted_and_cached_for_a_year(client):
    urls = static_urls(product_page(client))
    assert {url.rsplit("?")[0].rsplit(".")[-1] for url in urls} >= {"css", "js", "svg"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == FOREVER
        response.close()


def test_a_url_without_the_current_fingerprint_is_not_kept(client):
    for url in ("/static/css/shop.css", "/static/css/shop.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
        response.close()


def test_a_changed_file_gets_a_new_url(app, tmp_path):
    app.static_folder = str(tmp_path)
    style = tmp_path / "shop.css"
    style.write_text("body { color: black }")
    with app.test_request_context():
        before = url_for("static", filename="shop.css")
        style.write_text("body { color: navy }")
        after = url_for("static", filename="shop.css")
    assert before != after
    client = app.test_client()
    assert client.get(after).headers["Cache-Control"] == FOREVER
    assert client.get(before).headers["Cache-Control"] == "no-cache"


def module_source(app, url):
    return Path(app.static_folder, url.split("?")[0].removeprefix("/static/")).read_text()


def relative_modules(source):
    """The modules a module names by relative URL: its imports, static or dynamic."""
    return re.findall(r"""["'](\.\.?/[\w./-]+\.js)["']""", source)


def test_modules_load_once_through_the_import_map(client, app):
    html = product_page(client)
    imports = json.loads(re.search(r'<script type="importmap"[^>]*>(.*?)</script>', html).group(1))
    imports = imports["imports"]
    module_srcs = re.findall(r'<script type="module"[^>]* src="([^"]+)"', html)
    assert module_srcs
    # Each module the page loads, and each one those import now or when the customer pays: a
    # relative import resolves to the bare URL, which the map sends to the same fingerprinted URL
    # the page loads. One module, loaded once.
    reached, todo = set(), list(module_srcs)
    while todo:
        src = todo.pop()
        reached.add(src.split("?")[0])
        assert imports.get(src.split("?")[0], src) == src, src
        for specifier in relative_modules(module_source(app, src)):
            bare = urljoin(src, specifier)
            assert bare in imports, (src, specifier)
            if bare not in reached:
                todo.append(imports[bare])
    assert {"/static/js/paying.js", "/static/js/bank.js"} <= reached  # the poster is priced in USD
    # The map names only what some module imports, not modules only a page's <script> loads.
    assert not {"/static/js/styleguide.js", "/static/js/embedded_checkout.js",
                "/static/js/suggested-amounts.js"} & set(imports)


def test_the_import_map_follows_what_modules_import_as_they_change(app, tmp_path):
    app.static_folder = str(tmp_path)
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "page.js").write_text('import { a } from "./a.js";\n')
    (tmp_path / "js" / "a.js").write_text("export const a = 1;\n")
    (tmp_path / "js" / "b.js").write_text("export const b = 2;\n")
    with app.test_request_context():
        before = app.jinja_env.globals["import_map"]()["imports"]
        (tmp_path / "js" / "page.js").write_text('const later = () => import("./b.js");\n')
        after = app.jinja_env.globals["import_map"]()["imports"]
    assert list(before) == ["/static/js/a.js"]
    assert re.fullmatch(r"/static/js/a\.js\?v=[0-9a-f]{12}", before["/static/js/a.js"])
    assert list(after) == ["/static/js/b.js"]


def test_what_only_paying_needs_is_not_on_the_page(client):
    html = product_page(client)
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', html)
    assert any("/pay.js" in src for src in scripts)
    assert not [src for src in scripts if re.search(r"/(paying|bank|styleguide)\.js", src)]
    # The suggested amounts' module comes with their buttons, on pages that have them.
    assert not [src for src in scripts if "suggested-amounts" in src]
    with_amounts = client.get("/p/field-notes-ebook").get_data(as_text=True)
    assert 'data-suggested-for' in with_amounts
    assert re.search(r'<script type="module" nonce="[^"]+" src="/static/js/suggested-amounts\.js\?v=',
                     with_amounts)


def test_pages_and_static_files_are_compressed(client):
    for url in ["/p/city-lights-poster", *static_urls(product_page(client))]:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        body = response.get_data()
        if len(gzip.decompress(body) if response.headers.get("Content-Encoding") else body) < 500:
            continue  # too small to be worth it
        assert response.headers["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response.headers["Vary"]
    response = client.get("/p/city-lights-poster", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
