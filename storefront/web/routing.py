"""Values from URLs that the database can look up, checked once here rather than in each view.

- Text segments: PostgreSQL text cannot hold a NUL character, so a URL with one is a 404 from
  routing instead of a database error (SQLite would simply find nothing).
- Integers (`<int:…>` in a rule, `int_arg` for the query string, `db_int` for a form field): an
  id beyond what the database's integer columns hold would be an overflow error, a 500, on
  PostgreSQL. Out of range is a 404 in a path (no such thing) and a 400 in a query (a bad request).
"""
from flask import abort, request
from werkzeug.routing import IntegerConverter, UnicodeConverter

# PostgreSQL's `integer`, the narrowest integer column the shop looks things up by (ids).
DB_INT_MAX = 2**31 - 1


class TextConverter(UnicodeConverter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


class IdConverter(IntegerConverter):
    """`<int:…>`: digits only (no sign), 0 to DB_INT_MAX; anything else matches no rule."""

    def __init__(self, map, fixed_digits=0, min=0, max=DB_INT_MAX):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


def db_int(text):
    """`text` (digits, or already an int) as an integer the database can hold, or ValueError
    (which form fields' `coerce` turn into a validation error)."""
    if isinstance(text, str):
        text = text.strip()
        if not text.isascii() or not text.isdigit():  # int() would take "１２", "-1", "1_0"
            raise ValueError(f"not a whole number: {text!r}")
    elif type(text) is not int:
        raise ValueError(f"not a whole number: {text!r}")
    value = int(text)
    if not 0 <= value <= DB_INT_MAX:
        raise ValueError(f"out of range: {text!r}")
    return value


def int_arg(name):
    """The query-string argument `name` as an integer, None when absent or empty, else a 400."""
    text = request.args.get(name, "")
    if text == "":
        return None
    try:
        return db_int(text)
    except ValueError:
        abort(400)


def init_app(app):
    # Before any rule is added: rules bind their converters when they join the map.
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    app.url_map.converters["int"] = IdConverter
