"""Which content coding a response gets, from the client's Accept-Encoding (RFC 9110 §12.5.3).

A q-value says how much the client wants a coding; `q=0` means "never send me this". A coding
the header does not name takes the q-value of `*`, if it has one, else is not acceptable. The
coding with the highest q-value above zero wins, ties going to the shop's own order
(COMPRESS_ALGORITHM); an entry that cannot be read is left out. Flask-Compress's own parser
takes `gzip;q=0` as a wish for gzip, so its after_request hook is handed the choice made here
(`Compress` below), and the price partial's layer asks here too: one rule for every answer.
"""
import re
from functools import lru_cache

from flask import request
from flask_compress import Compress as FlaskCompress

# `coding` or `coding;q=0.5`, spaces allowed around the semicolon and the equals sign.
_ENTRY = re.compile(r"([!#$%&'*+.^_`|~0-9a-z-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?", re.ASCII)
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?", re.ASCII)


def qvalues(accept_encoding):
    """{coding: q} as the header gives them; unreadable entries left out."""
    wanted = {}
    for part in (accept_encoding or "").lower().split(","):
        entry = _ENTRY.fullmatch(part.strip())
        if entry is None:
            continue
        coding, q = entry.group(1), entry.group(2)
        if q is not None and not _QVALUE.fullmatch(q):
            continue
        wanted[coding] = 1.0 if q is None else float(q)
    return wanted


def choose(algorithms, accept_encoding):
    """The coding from `algorithms` (the shop's, in its order of preference) the client wants
    most, or None: send the body as it is."""
    return _choose(tuple(algorithms), accept_encoding)


@lru_cache(maxsize=256)  # a browser sends the same header every time; bounded against the rest
def _choose(algorithms, accept_encoding):
    wanted = qvalues(accept_encoding)
    anything = wanted.get("*", 0.0)
    best, best_q = None, 0.0
    for algorithm in algorithms:
        q = wanted.get(algorithm, anything)
        if q > best_q:
            best, best_q = algorithm, q
    return best


class Compress(FlaskCompress):
    """Flask-Compress, choosing the coding by the rule above."""

    def after_request(self, response):
        environ = request.environ
        sent = environ.get("HTTP_ACCEPT_ENCODING")
        # What Flask-Compress reads: the one coding chosen, or "identity" (nothing).
        environ["HTTP_ACCEPT_ENCODING"] = choose(self.enabled_algorithms, sent) or "identity"
        try:
            return super().after_request(response)
        finally:
            if sent is None:
                environ.pop("HTTP_ACCEPT_ENCODING", None)
            else:
                environ["HTTP_ACCEPT_ENCODING"] = sent
