"""The price partials: what htmx asks for on every change of the selection, a GET of the product
page's URL with the selection's fields and `HX-Request: true`; and the bag's, a GET of `/bag`
with its lines' fields (line-0-product, line-0-quantity, …), priced line by line.

It is a pure function of the catalog and the selection, the same for every customer: no session,
no CSRF token, no rate limit, no script (so a Content-Security-Policy without a nonce). Each
process keeps the partials it rendered last (QUOTE_MEMO_SIZE), by catalog snapshot, selection and
compression; the ETag (catalog revision + selection + this release) lets a browser or any HTTP
cache keep one and ask again for a 304.

Two ways in, one answer (`answer()`):
- the shop's views (shop.product, bag.show), through the whole Flask app: the first partial each process
  serves for a URL scheme goes this way, and so does anything the layer below does not know;
- `Layer`, a WSGI layer just inside the app's ProxyFix, for every later one. It answers with the
  headers the app put on that first partial (the security policy, Vary, Cache-Control: the app
  stays the one place that decides them) and skips the app's hooks, none of which a partial
  needs: session, CSRF, limiter, Talisman, compression, Flask-Login. Those hooks together cost
  more server CPU than all of bare Flask (`make bench`), on the request a customer makes most.

Paying never uses any of this: pay prices from the database, and a total that moved is a 409.
"""
import hashlib
import marshal
import re
import threading
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path
from urllib.parse import parse_qsl

# Flask-Compress's compressors at the app's levels, and the zstd module it uses; not part of its
# public API, which needs a request context: the layer has none. Pinned in requirements.txt.
from flask_compress.compat import compression
from flask_compress.flask_compress import _compress_data
from jinja2_fragments import render_block
from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_etags

from storefront.catalog import pricing, shipping
from storefront.checkout import snapshot
from storefront.web import encodings
from storefront.web.extensions import compress

EXTENSION = "price_partial"
PATH = re.compile(r"/p/([^/]+)\Z")
# The bag's partial, by this key where a product's has its slug (a slug holds no "/").
BAG = "/bag"
# Set by the view on the WSGI environ of a partial it answered: the layer learns its headers.
MARK = "storefront.checkout.price_partial"
# What the layer sets on each answer itself; every other header is the app's, as learned.
OWN = frozenset({"content-length", "content-encoding", "etag"})
SCHEMES = ("http", "https")
# Kept off a 304, which has no body.
BODY = frozenset({"content-type"})
FLUSH_FRAME = compression.zstd.ZstdCompressor.FLUSH_FRAME  # each answer a zstd frame of its own


class Partials:
    """One process's price partials: the release digest, the memo and the learned headers."""

    def __init__(self, app):
        self.app = app
        self.release = release(app)
        self.rendered = lru_cache(maxsize=app.config["QUOTE_MEMO_SIZE"])(self._render)
        # A bag's lines, each priced (and its parts rendered, bag.line_parts) once per snapshot,
        # place and fields: a change to one line of a bag makes that line alone again.
        self.bag_lines = lru_cache(maxsize=app.config["QUOTE_MEMO_SIZE"])(self._bag_line)
        self.headers = {}  # by URL scheme: the app's headers on a partial, less OWN
        self.threads = threading.local()  # each thread's zstd compressor (zstd())
        # The bag's price block for a form of lines (bag.price_block) and one priced line
        # (bag.priced), given by the app factory: the bag's views import this module, so it
        # cannot import them.
        self.render_bag = self.price_line = None

    def answer(self, catalog, product, fields, accept_encoding, if_none_match):
        """(status code, [(header, value)] of OWN, body) for the partial of `fields` (the
        query's (name, value) pairs); a 304 when `if_none_match` (a werkzeug ETags) holds its
        ETag. `product` None: the bag's partial, its lines in `fields`."""
        key = BAG if product is None else product.slug
        selection = canonical(fields)
        # marshal's version 2 writes equal tuples of text alike (version 3 on refers back to
        # objects it has seen and marks interned text): the key's bytes, made in C, where repr
        # took five times as long.
        digest = hashlib.blake2b(marshal.dumps((self.release, key, selection), 2),
                                 digest_size=12).hexdigest()
        # Weak: the same partial is sent compressed one way or another.
        etag = f"{catalog.revision}-{digest}"
        headers = [("ETag", f'W/"{etag}"')]
        if if_none_match.contains_weak(etag):
            return 304, headers, b""
        # The Accept-Encoding header's q-values against COMPRESS_ALGORITHM, as for every answer.
        algorithm = encodings.choose(compress.enabled_algorithms, accept_encoding)
        body, encoding = self.rendered(catalog, key, selection, algorithm)
        if encoding:
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        return 200, headers, body

    def _render(self, catalog, slug, selection, algorithm):
        """The partial's body and Content-Encoding, memoised by (catalog snapshot, slug,
        selection, algorithm): compressed once, as Flask-Compress would, and kept that way."""
        # No app context: nothing here reads the app through Flask's proxies (the bag's mode is
        # given the shop's), and pushing one, with its teardown, was a twentieth of the work.
        if slug == BAG:
            fields, rest = line_selections(selection)
            # The bag's own fields and its lines' products: each line prices its own fields.
            html = self.render_bag(self.app, catalog, form_of(rest), lambda number, product: (
                self.bag_lines(catalog, number, product.slug, fields.get(number, ()))))
        else:
            form = form_of(selection)
            product = catalog.products[slug]
            # Shipping is pure too: the country is part of the selection's key.
            quoted, quote = shipping.quote_form(product, form, catalog.zones)
            html = render_block(self.app.jinja_env, "shop/product.html", "price", partial=True,
                                address_fields="address_fields" in form,
                                **price_context(product, quoted, quote))
        body = html.encode()
        if algorithm is None or len(body) < self.app.config["COMPRESS_MIN_SIZE"]:
            return body, None
        if algorithm == "zstd":
            return self.zstd().compress(body, mode=FLUSH_FRAME), algorithm
        return _compress_data(self.app, body, algorithm), algorithm

    def _bag_line(self, catalog, number, slug, fields):
        """The bag's line `number` priced: `fields` its own, as line_selections gives them
        ((name, values) pairs, which pricing reads as they are)."""
        return self.price_line(number, catalog.products[slug], dict(fields))

    def zstd(self):
        """This thread's zstd compressor, kept: Flask-Compress makes one for every answer
        (compression.zstd.compress), and making it was two fifths of compressing a partial (8 of
        20 µs). Each answer is a frame of its own, the bytes a new compressor writes."""
        compressor = getattr(self.threads, "zstd", None)
        if compressor is None:
            compressor = self.threads.zstd = compression.zstd.ZstdCompressor(
                level=self.app.config["COMPRESS_ZSTD_LEVEL"])
        return compressor

    def learn(self, scheme, status, headers):
        """Keep the headers of a partial the app answered, for the layer's answers."""
        names = {name.lower() for name, _ in headers}
        # A partial carries nobody's session: should one ever set a cookie, the layer stays out.
        # Two schemes only: a proxy's X-Forwarded-Proto could otherwise grow this without end.
        if status.startswith("200 ") and "set-cookie" not in names and scheme in SCHEMES:
            self.headers.setdefault(scheme, [(name, value) for name, value in headers
                                             if name.lower() not in OWN])


# A suggested-amount button (the no-JavaScript way to pick one) stands for the amount.
SUGGESTED, AMOUNT = "suggested", "amount"
LINE_SUGGESTED = "-" + SUGGESTED  # a bag line's (line-0-suggested)
# The fields canonical() rewrites rather than sorts.
REWRITTEN = frozenset({SUGGESTED, "method"})


def selection_form(fields):
    """The selection as sent, a suggested amount as the amount."""
    form = fields.copy()
    if SUGGESTED in form:
        form[AMOUNT] = form.pop(SUGGESTED)
    return form


def price_context(product, selection, quote, **extra):
    """What the price area (the template's `price` block) shows: nothing about the customer."""
    return {"product": product, "rules": product.rules, "selection": selection, "quote": quote,
            **extra}


def canonical(fields):
    """The selection as a key, from a list of its (name, value) pairs: the order of the fields,
    and of an add-on's values, changes nothing. The way of paying counts only when it changes
    the price (the bank), so a card's partial is the one a page without a method choice asks
    for, and shares its cache entry. selection_form's rule, on the fields' lists: no form is
    made."""
    names, values = zip(*fields) if fields else ((), ())
    joined = " ".join(names)
    if len(set(names)) == len(names) and not any(map(joined.__contains__, REWRITTEN)):
        # Each name once, none rewritten (nearly every partial): the same tuple, made in C.
        return tuple(sorted(zip(names, zip(values))))
    lists = {}
    for name, value in fields:
        lists.setdefault(name, []).append(value)
    # A suggested amount, the product's or a bag line's, counts as first sent (selection_form).
    for name, values in lists.items():
        if name == SUGGESTED or name.endswith(LINE_SUGGESTED):
            del values[1:]
    return _canonical(lists)


def query_fields(environ):
    """The query's (name, value) pairs as werkzeug's request.args holds them. A query with
    nothing escaped (the price partials' nearly always) is only split: parse_qsl's unquoting, in
    Python, was a tenth of a cold partial's work; it gives the same pairs."""
    query = environ.get("QUERY_STRING", "")
    if "%" in query or "+" in query or not query.isascii():
        return list(parse_qsl(query.encode("latin1").decode(), keep_blank_values=True,
                              errors="werkzeug.url_quote"))
    return [part.partition("=")[::2] for part in query.split("&") if part]


def _canonical(lists):
    if SUGGESTED in lists:
        lists[AMOUNT] = lists.pop(SUGGESTED)
    if pricing.priced_method(lists) is None:
        lists.pop("method", None)
    return tuple(sorted((name, tuple(sorted(values))) for name, values in lists.items()))


LINE_FIELD = re.compile(r"line-(0|[1-9][0-9]*)-(.+)\Z")


def line_selections(selection):
    """A bag's canonical selection split by line: ({number: that line's canonical fields}, the
    rest), each line's as canonical(bag.line_fields(form, number)) would give them, without a
    form for each line; the rest (the bag's own fields and each line's product) as they are.
    A line's fields come out of `selection` sorted already (they share their prefix); only a
    line with a field that canonical() rewrites is made canonical again."""
    lines, rest = {}, []
    for name, values in selection:
        if own := _line_field(name):
            lines.setdefault(own[0], []).append((own[1], values))
        else:
            rest.append((name, values))
    return {number: tuple(fields) if REWRITTEN.isdisjoint(map(itemgetter(0), fields))
            else _canonical(dict(fields)) for number, fields in lines.items()}, rest


@lru_cache(maxsize=1024)  # the same few names in every bag's query; bounded, as names are sent
def _line_field(name):
    """(number, field) for a line's own field (line-0-quantity: (0, "quantity")), else None."""
    match = LINE_FIELD.match(name)
    return (int(match[1]), match[2]) if match and match[2] != "product" else None


def form_of(selection):
    """A canonical selection's fields as a form."""
    return Form([(name, value) for name, values in selection for value in values])


class Form(MultiDict):
    """werkzeug's MultiDict, whose get and getlist find a missing field by raising and catching
    an exception (a BadRequestKeyError for get, a microsecond and more): a partial asks for a few
    that are not there (the country, a bag's next line) at every change."""

    def get(self, key, default=None, type=None):
        return super().get(key, default, type) if key in self else default

    def getlist(self, key, type=None):
        return super().getlist(key, type) if key in self else []


def release(app):
    """A digest of what shapes a price partial besides the catalog and the selection: the code,
    the templates and the locale. A deploy that changes any of them changes every ETag."""
    return _release(app.root_path, app.template_folder, app.config["SHOP_LOCALE"])


@cache  # the files are those the process started with: read once, not at every app made
def _release(code, templates, locale):
    digest = hashlib.blake2b(locale.encode(), digest_size=8)
    for path in sorted([*Path(code).glob("**/*.py"), *Path(templates).glob("**/*.html")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def partials(app):
    return app.extensions[EXTENSION]


class Layer:
    """The price partial answered in front of the app, once the app has answered one."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "GET" or environ.get("HTTP_HX_REQUEST") != "true":
            return self.wsgi_app(environ, start_response)
        learned = partials(self.app).headers.get(environ["wsgi.url_scheme"])
        # The path as werkzeug's request.path decodes it.
        path = (environ.get("PATH_INFO") or "").encode("latin1").decode(errors="replace")
        match = PATH.match(path) or path == BAG
        if learned is None or not match:
            return self.wsgi_app(environ, self._learning(environ, start_response))
        try:
            answered = self._answer(environ, None if match is True else match[1])
        except Exception:  # the app answers instead, with its error page if it fails too
            self.app.logger.exception("The price partial's layer failed")
            answered = None
        if answered is None:
            return self.wsgi_app(environ, start_response)
        status, own, body = answered
        if status == 304:
            start_response("304 Not Modified",
                           [h for h in learned if h[0].lower() not in BODY] + own)
            return []
        start_response("200 OK", learned + own)
        return [body]

    def _answer(self, environ, slug):
        """answer()'s, or None for a product the catalog does not have (the app's 404);
        `slug` None: the bag's."""
        catalog = snapshot.current(self.app)
        product = None if slug is None else catalog.products.get(slug)
        if slug is not None and product is None:
            return None
        return partials(self.app).answer(catalog, product, query_fields(environ),
                                         environ.get("HTTP_ACCEPT_ENCODING", ""),
                                         parse_etags(environ.get("HTTP_IF_NONE_MATCH")))

    def _learning(self, environ, start_response):
        def learning_start_response(status, headers, exc_info=None):
            if environ.get(MARK):
                partials(self.app).learn(environ["wsgi.url_scheme"], status, headers)
            return start_response(status, headers, exc_info)
        return learning_start_response


def init_app(app):
    """Call before anything that wraps app.wsgi_app from outside (ProxyFix): the layer must see
    the scheme as the app does."""
    app.extensions[EXTENSION] = Partials(app)
    # The layer answers whatever the Host: an app that routes or refuses by host keeps every
    # request to itself.
    if not app.config["SERVER_NAME"] and not app.config.get("TRUSTED_HOSTS"):
        app.wsgi_app = Layer(app, app.wsgi_app)
