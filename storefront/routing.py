"""URL segments the database can look up: PostgreSQL text cannot hold a NUL character, so a URL
with one is a 404 from routing instead of a database error (SQLite would simply find nothing)."""
from werkzeug.routing import UnicodeConverter


class TextConverter(UnicodeConverter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


def init_app(app):
    # Before any rule is added: rules bind their converters when they join the map.
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
