"""`.venv/bin/python -m bench.profile`: where a price quote's time goes, warm and cold.

500 quotes through Flask's test client (no server, no network), on a SQLite file with the demo
catalog: first timed, then again under cProfile. Warm quotes repeat load.py's 24 selections;
cold ones carry a custom tip that is new on every request. The table gives each part of the
request its cumulative time per quote under the profiler, which inflates everything about
alike, so read the shares rather than the microseconds.

`--post` sends the quote the way pages did before it became a GET (htmx's POST with the CSRF
token), which is also what a page without JavaScript sends.
"""
import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.load import ACCEPT_ENCODING, PRODUCT, selections
from tests.perf.checkout_client import QUOTE_HEADERS, page_tokens

# (what, [(file path ending, function name)]): cumulative time of the first match of each.
PARTS = [
    ("whole request (Flask's wsgi_app)", [("flask/app.py", "wsgi_app")]),
    ("  the view", [("storefront/shop.py", "product")]),
    ("    catalog revision + snapshot", [("storefront/snapshot.py", "current")]),
    ("    product through the ORM", [("storefront/shop.py", "product_or_404")]),
    ("    pricing", [("storefront/pricing.py", "quote_form")]),
    ("    rendering the partial", [("jinja2_fragments/flask.py", "render_block")]),
    ("  rate limiter", [("flask_limiter/_extension.py", "_check_request_limit"),
                        ("flask_limiter/_extension.py", "__inject_headers")]),
    ("  CSRF check", [("flask_wtf/csrf.py", "protect")]),
    ("  session (open, save)", [("flask/sessions.py", "open_session"),
                                ("flask/sessions.py", "save_session")]),
    ("  compression", [("flask_compress/flask_compress.py", "after_request")]),
    ("  security headers", [("flask_talisman/talisman.py", "_force_https"),
                            ("flask_talisman/talisman.py", "_make_nonce"),
                            ("flask_talisman/talisman.py", "_set_response_headers"),
                            ("storefront/headers.py", "set_policy")]),
]


def make_client(workdir):
    from storefront import catalog, create_app
    from storefront.cli import load_products
    from storefront.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'shop.db'}",
                     STRIPE_API_BASE="http://127.0.0.1:9", STRIPE_JS_URL="http://127.0.0.1:9/v3/",
                     RATELIMIT_QUOTE="1000000 per minute")  # --post: quotes by POST are counted
    with app.app_context():
        db.create_all()
        load_products(catalog.load_catalog(app.config["CATALOG_PATH"]))
    return app.test_client()


def quoter(client, post):
    """A function sending one quote for a list of (field, value)."""
    page = client.get(f"/p/{PRODUCT}").get_data(as_text=True)
    headers = QUOTE_HEADERS | {"Accept-Encoding": ACCEPT_ENCODING}
    if post:
        tokens = page_tokens(page)
        headers["X-CSRFToken"] = tokens["csrf_token"]

        def send(fields):
            return client.post(f"/p/{PRODUCT}", data=urlencode([*tokens.items(), *fields]),
                               content_type="application/x-www-form-urlencoded", headers=headers)
    else:
        def send(fields):
            return client.get(f"/p/{PRODUCT}?{urlencode(fields)}", headers=headers)

    def quote(fields):
        response = send(fields)
        assert response.status_code == 200, response.status_code
    return quote


WARM = list(selections())


def warm(n):
    return WARM[n % len(WARM)]


def cold(n):
    """A custom tip new for every n: no quote is asked for twice."""
    return [("quantity", "2"), ("option-session", "thursday-evening"), ("tip", "custom"),
            ("tip_custom", f"{1 + n / 100:.2f}")]


def parts(stats):
    """{what: cumulative seconds} from pstats' raw table."""
    found = {}
    for what, functions in PARTS:
        found[what] = sum(cumulative for (path, _, name), (_, _, _, cumulative, _)
                          in stats.stats.items()
                          if any(path.endswith(end) and name == fn for end, fn in functions))
    return found


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.profile",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=500)
    parser.add_argument("--post", action="store_true", help="quote by htmx's POST, with CSRF")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        client = make_client(Path(workdir))
        quote = quoter(client, options.post)
        count = options.quotes
        for name, selection in (("warm", warm), ("cold", cold)):
            for n in range(50):  # imports, first renders; the memo for warm quotes
                quote(selection(n))
            started = time.perf_counter()
            for n in range(count, 2 * count):
                quote(selection(n))
            wall = (time.perf_counter() - started) / count * 1e6
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(2 * count, 3 * count):
                quote(selection(n))
            profiler.disable()
            stats = pstats.Stats(profiler)
            found = parts(stats)
            whole = found["whole request (Flask's wsgi_app)"]
            print(f"\n{name}: {wall:,.0f} µs per quote through the test client, no profiler; "
                  f"under cProfile, per quote:")
            for what, seconds in found.items():
                print(f"  {what:<36} {seconds / count * 1e6:8,.0f} µs {seconds / whole:6.0%}")
            print("  most time of its own (tottime per quote):")
            top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:8]
            for (path, line, function), (_, _, own, _, _) in top:
                where = "/".join(Path(path).parts[-2:]) if path != "~" else ""
                print(f"    {own / count * 1e6:6,.0f} µs  {function} {where}:{line}")


if __name__ == "__main__":
    main()
