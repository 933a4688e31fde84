"""Run a WSGI app on a free loopback port in a background thread, for tests."""
import threading

from werkzeug.serving import make_server


def closing(app):
    """The app, its answers read whole and closed before the server writes them. Werkzeug's
    server skips an answer's close() when reading what is left of a request fails (a client
    that reset the connection), and with it Flask's call_on_close work: the shop's receipt,
    sent after the response (gunicorn always closes)."""
    def wsgi(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()
    return wsgi


class LiveServer:
    def __init__(self, app, host="127.0.0.1", port=0):
        self._server = make_server(host, port, closing(app), threaded=True)
        self.host = host
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()
