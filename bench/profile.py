"""`.venv/bin/python -m bench.profile`: where a price quote's time goes, warm and cold.

500 quotes, each a call of the app's WSGI callable with an environ made beforehand (no server,
no network, no test client), on a SQLite file with the demo catalog: first timed in five runs,
each between two runs of bare Flask's `hello` (bench/hello.py) timed the same way, for their
ratio; then again under cProfile. Warm quotes
repeat load.py's 24 selections; cold ones carry a custom tip that is new on every request.
After the first, GET quotes are answered by the layer in front of the app
(storefront/checkout/price_partial.py). The table gives each part of the request its cumulative time
per quote under the profiler, which inflates everything about alike, so read the shares rather
than the microseconds.

`--post` sends the quote the way pages did before it became a GET (htmx's POST with the CSRF
token), which is also what a page without JavaScript sends. `--bag` quotes the bag's partial
instead (load.py's two lines: the workshop with the selection, and two A2 posters).

Each kind also gets the Python bytecodes its quote executes (sys.settrace's opcode events, over
100 quotes after the others): the same count on any machine and at any load, where times move
by a third, so a change to the code shows its effect to the instruction. Work done in C
(compression, the database driver, escaping's inner loop) is not counted.
"""
import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder

from bench.load import ACCEPT_ENCODING, PRODUCT, bag_query, selections
from tests.perf.checkout_client import QUOTE_HEADERS, page_tokens

ROUNDS = 5
BYTECODE_QUOTES = 100
# (what, [(file path ending, function name)]): cumulative time of the first match of each.
PARTS = [
    ("whole request (the app's WSGI call)", [("flask/app.py", "__call__")]),
    ("  the partial's layer (price_partial.Layer)", [("storefront/checkout/price_partial.py", "__call__")]),
    ("    catalog revision + snapshot", [("storefront/checkout/snapshot.py", "current")]),
    ("    the answer: key, ETag, memo", [("storefront/checkout/price_partial.py", "answer")]),
    ("      pricing", [("storefront/catalog/pricing.py", "quote_form")]),
    ("      rendering the partial", [("jinja2_fragments/__init__.py", "render_block")]),
    ("      compression", [("flask_compress/flask_compress.py", "_compress_data")]),
    ("  the whole app (Flask's wsgi_app)", [("flask/app.py", "wsgi_app")]),
    ("    rate limiter", [("flask_limiter/_extension.py", "_check_request_limit"),
                          ("flask_limiter/_extension.py", "__inject_headers")]),
    ("    CSRF check", [("flask_wtf/csrf.py", "protect")]),
    ("    session (open, save)", [("flask/sessions.py", "open_session"),
                                  ("flask/sessions.py", "save_session")]),
    ("    compression (Flask-Compress's hook)", [("flask_compress/flask_compress.py",
                                                  "after_request")]),
    ("    security headers", [("flask_talisman/talisman.py", "_force_https"),
                              ("flask_talisman/talisman.py", "_make_nonce"),
                              ("flask_talisman/talisman.py", "_set_response_headers"),
                              ("storefront/web/headers.py", "set_policy")]),
]


def make_client(workdir):
    from storefront import create_app
    from storefront.catalog import products
    from storefront.cli import load_products
    from storefront.web.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'shop.db'}",
                     STRIPE_API_BASE="http://127.0.0.1:9", STRIPE_JS_URL="http://127.0.0.1:9/v3/",
                     RATELIMIT_QUOTE="1000000 per minute")  # --post: quotes by POST are counted
    with app.app_context():
        db.create_all()
        load_products(products.load_catalog(app.config["CATALOG_PATH"]))
    return app.test_client()


def quoter(client, post, bag=False):
    """(prepare, send): prepare(fields) makes the WSGI environ of one quote for a list of
    (field, value), as a browser sends it (`bag`: the bag's, the fields its first line's);
    send(environ) has the app answer it, without the test client's own work."""
    app = client.application
    page = client.get(f"/p/{PRODUCT}").get_data(as_text=True)
    headers = QUOTE_HEADERS | {"Accept-Encoding": ACCEPT_ENCODING}
    if post:
        tokens = page_tokens(page)
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        headers |= {"X-CSRFToken": tokens["csrf_token"],
                    "Cookie": f"{cookie.key}={cookie.value}"}

        def prepare(fields):
            return EnvironBuilder(path=f"/p/{PRODUCT}", method="POST", headers=headers,
                                  data=urlencode([*tokens.items(), *fields]),
                                  content_type="application/x-www-form-urlencoded").get_environ()
    elif bag:
        def prepare(fields):
            path, _, query = bag_query(fields).partition("?")
            return EnvironBuilder(path=path, query_string=query, headers=headers).get_environ()
    else:
        def prepare(fields):
            return EnvironBuilder(path=f"/p/{PRODUCT}", query_string=urlencode(fields),
                                  headers=headers).get_environ()

    def send(environ):
        answered = []
        body = b"".join(app(environ, lambda status, headers, exc_info=None: answered.append(status)))
        assert answered == ["200 OK"] and body, answered
    return prepare, send


WARM = list(selections())


def warm(n):
    return WARM[n % len(WARM)]


def cold(n):
    """A custom tip new for every n: no quote is asked for twice."""
    return [("quantity", "2"), ("option-session", "thursday-evening"), ("tip", "custom"),
            ("tip_custom", f"{1 + n / 100:.2f}")]


def hello_sender(count):
    """(send, environs): `count` requests of bare Flask's hello and what answers one."""
    from bench.hello import app

    environ = EnvironBuilder(path="/hello", headers={"Accept-Encoding": ACCEPT_ENCODING})
    return (lambda each: b"".join(app(each, lambda status, headers, exc_info=None: None)),
            [environ.get_environ() for _ in range(count)])


def hello_microseconds(count):
    send, environs = hello_sender(count)
    started = time.perf_counter()
    for each in environs:
        send(each)
    return (time.perf_counter() - started) / count * 1e6


def bracketed(send, environs, rounds=ROUNDS):
    """(µs per quote, hello ÷ quote): medians of `rounds` runs, each between two runs of bare
    Flask's hello, as load.compare does: this machine's speed drifts within a minute."""
    size = len(environs) // rounds
    walls, ratios = [], []
    for start in range(0, size * rounds, size):
        before = hello_microseconds(size)
        started = time.perf_counter()
        for environ in environs[start:start + size]:
            send(environ)
        wall = (time.perf_counter() - started) / size * 1e6
        walls.append(wall)
        ratios.append((before + hello_microseconds(size)) / 2 / wall)
    return statistics.median(walls), statistics.median(ratios)


def bytecodes(send, environs):
    """Python bytecodes executed per call of send(environ), and Python function calls."""
    counted = {"opcode": 0, "call": 0}

    def each_line(frame, event, arg):
        if event == "opcode":
            counted["opcode"] += 1
        return each_line

    def each_call(frame, event, arg):
        counted["call"] += 1
        frame.f_trace_opcodes = True
        return each_line

    sys.settrace(each_call)
    try:
        for environ in environs:
            send(environ)
    finally:
        sys.settrace(None)
    return counted["opcode"] / len(environs), counted["call"] / len(environs)


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
    parser.add_argument("--bag", action="store_true", help="the bag's partial, two lines")
    options = parser.parse_args()
    if options.post and options.bag:
        parser.error("the bag's partial is quoted by GET only")
    with tempfile.TemporaryDirectory() as workdir:
        client = make_client(Path(workdir))
        prepare, send = quoter(client, options.post, options.bag)
        count = options.quotes
        hello_microseconds(50)  # imports, first answers
        hello_operations, hello_calls = bytecodes(*hello_sender(BYTECODE_QUOTES))
        for name, selection in (("warm", warm), ("cold", cold)):
            timed, profiled = ([prepare(selection(n)) for n in range(start, start + count)]
                               for start in (count, 2 * count))
            for n in range(50):  # imports, first renders; the memo for warm quotes
                send(prepare(selection(n)))
            wall, ratio = bracketed(send, timed)
            counted = [prepare(selection(n)) for n in range(3 * count, 3 * count + BYTECODE_QUOTES)]
            operations, calls = bytecodes(send, counted)
            profiler = cProfile.Profile()
            profiler.enable()
            for environ in profiled:
                send(environ)
            profiler.disable()
            stats = pstats.Stats(profiler)
            found = parts(stats)
            whole = found[PARTS[0][0]]
            print(f"\n{name}: {wall:,.0f} µs per quote, no profiler; bare Flask's hello ÷ quote "
                  f"{ratio:.3f} (median of {ROUNDS} runs, each between two of hello's); "
                  f"{operations:,.0f} Python bytecodes and {calls:,.0f} Python calls per quote "
                  f"(bare Flask's hello: {hello_operations:,.0f} and {hello_calls:,.0f}); "
                  f"under cProfile, per quote:")
            for what, seconds in found.items():
                print(f"  {what:<48} {seconds / count * 1e6:8,.0f} µs {seconds / whole:6.0%}")
            print("  most time of its own (tottime per quote):")
            top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:8]
            for (path, line, function), (_, _, own, _, _) in top:
                where = "/".join(Path(path).parts[-2:]) if path != "~" else ""
                print(f"    {own / count * 1e6:6,.0f} µs  {function} {where}:{line}")


if __name__ == "__main__":
    main()
