"""Sessions in signed cookies, as Flask keeps them, with two rules added.

- The cookie is checked and read at the session's first use, not at the start of every request,
  and a session nothing read is not saved. A view whose answer is the same for everyone (the
  price partial) calls `leave_unread()`: checking the cookie's signature was a good part of what
  such a request cost, and nothing that runs after the view (Flask-Login looks at every
  session) reads it either.
- A response that any cache may share (Cache-Control: public: the price partial, fingerprinted
  static files) neither sets anyone's session cookie nor varies by it: a shared cache that
  stored a Set-Cookie would hand one customer's session to the next.
"""
from functools import partial

from flask import session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class LazySession(SecureCookieSession):
    def __init__(self, read):
        super().__init__()
        self._read = read  # None once read

    def _load(self):
        if self._read is not None:
            read, self._read = self._read, None
            dict.update(self, read() or {})  # reading is no change: not through on_update

    @property
    def unread(self):
        return self._read is not None

    def leave_unread(self):
        """Answer as an empty session from now on, without reading the cookie."""
        self._read = dict


def _reading_first(method):
    def read_then(self, *args, **kwargs):
        self._load()
        return method(self, *args, **kwargs)
    return read_then


for _name in ("__getitem__", "__setitem__", "__delitem__", "__contains__", "__iter__", "__len__",
              "__eq__", "__ne__", "__repr__", "__or__", "__ior__", "__reversed__", "get", "keys",
              "items", "values", "copy", "setdefault", "pop", "popitem", "update", "clear"):
    setattr(LazySession, _name, _reading_first(getattr(SecureCookieSession, _name)))


class SessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if not app.secret_key:
            return None
        return LazySession(partial(super().open_session, app, request))

    def save_session(self, app, session, response):
        if "public" in response.headers.get("Cache-Control", ""):
            return
        if getattr(session, "unread", False):  # nothing read, so nothing changed
            return
        super().save_session(app, session, response)


def leave_unread():
    """For a view whose answer is the same for everyone: this request never reads the session."""
    if isinstance(session._get_current_object(), LazySession):
        session.leave_unread()


def init_app(app):
    app.session_interface = SessionInterface()
