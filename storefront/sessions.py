"""Sessions in signed cookies, as Flask keeps them, with one rule added: a response that any
cache may share (Cache-Control: public: the price partial, fingerprinted static files) is the
same for everyone, so it neither sets anyone's session cookie nor varies by it. A shared cache
that stored a Set-Cookie would hand one customer's session to the next."""
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    def save_session(self, app, session, response):
        if response.cache_control.public:
            return
        super().save_session(app, session, response)


def init_app(app):
    app.session_interface = SessionInterface()
