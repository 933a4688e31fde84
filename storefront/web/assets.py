"""Static files: fingerprinted URLs, cached for a year, and the import map for JS modules.

Every `url_for('static', filename=…)` gets `?v=<hash of the file's content>` from one
`url_defaults` hook, so templates keep calling url_for as they always did. A request whose `v`
is the file's current hash may be cached for a year as immutable: a changed file gets a new URL.
Any other request for the file (an old page, a hand-typed URL) gets it fresh with `no-cache`,
so a stale copy can never be pinned under a URL that a page still uses.

Why a query string and not a hash in the file name: JS modules import each other by relative
URL (`import … from "./card-fields.js"` in pay.js, `import("./paying.js")`). That resolves to
the bare URL, so a module that a template loads as `card-fields.js?v=…` would run a second time,
with its own Stripe Elements. The import map (`import_map()`, rendered in layout.html before any
module) sends each bare module URL that some module imports to its fingerprinted one, so every
module loads once and is cached like the rest; a module only a page's <script> loads needs no
entry. A browser without import maps still gets the right file from the bare URL, only not cached
as long. With hashed file names the map would also be needed, and a build step besides.
"""
import functools
import hashlib
import posixpath
import re
from pathlib import Path

from flask import current_app, request, url_for
from werkzeug.security import safe_join

EXTENSION = "assets"
FOREVER = "public, max-age=31536000, immutable"  # a year: what caches take as forever
# ES modules, one per page concern; vendor/ holds classic scripts that import nothing.
MODULES = "js/*.js"
# A relative module URL in a module's source: a static or dynamic import, or a name to import later.
RELATIVE_MODULE = re.compile(r"""["'](\.\.?/[\w./-]+\.js)["']""")


def init_app(app):
    app.extensions[EXTENSION] = {}  # filename -> (mtime_ns, size, digest)
    app.url_defaults(_fingerprint_static_urls)
    app.view_functions["static"] = send_static
    app.add_template_global(import_map)


def fingerprint(filename):
    """The first 12 hex digits of the file's SHA-256; None if there is no such file.

    Remembered per file until its size or modification time changes: a page costs one stat
    call per file it links, not a hash, and an edited file gets its new URL at once.
    """
    path = safe_join(current_app.static_folder, filename)
    if path is None:
        return None
    known = current_app.extensions[EXTENSION]
    try:
        stat = Path(path).stat()
        seen = known.get(filename)
        if seen is None or seen[:2] != (stat.st_mtime_ns, stat.st_size):
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
            seen = known[filename] = (stat.st_mtime_ns, stat.st_size, digest)
    except OSError:  # no such file, or a folder
        return None
    return seen[2]


def _fingerprint_static_urls(endpoint, values):
    # `v=None` asks for the bare URL (the import map's keys).
    if endpoint == "static" and "v" not in values:
        values["v"] = fingerprint(values["filename"])


def send_static(filename):
    response = current_app.send_static_file(filename)
    if request.args.get("v") == fingerprint(filename):
        response.headers["Cache-Control"] = FOREVER
    else:
        response.headers["Cache-Control"] = "no-cache"  # may be kept, but asked about each time
    return response


def import_map():
    """{"imports": {bare module URL: fingerprinted URL}} for every module in static/js that a
    module there imports."""
    static = Path(current_app.static_folder)
    modules = [path.relative_to(static).as_posix() for path in static.glob(MODULES)]
    digests = {name: fingerprint(name) for name in modules}
    imported = set().union(*(_imports(str(static), name, digest)
                             for name, digest in digests.items() if digest))
    return {"imports": {url_for("static", filename=name, v=None): url_for("static", filename=name)
                        for name in sorted(imported)}}


@functools.lru_cache(maxsize=512)
def _imports(static_folder, name, digest):
    """The static files that module `name` names by relative URL; read once per version (digest)."""
    source = Path(static_folder, name).read_text(encoding="utf-8")
    folder = posixpath.dirname(name)
    return frozenset(posixpath.normpath(posixpath.join(folder, url))
                     for url in RELATIVE_MODULE.findall(source))
