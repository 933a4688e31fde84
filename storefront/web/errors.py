"""Error answers a person can read, in the form the request asked for: JSON for paying.js, the
price-area partial for htmx, a page otherwise.

They say what happened and what to do next, never what broke: no exception text, no request
data, no configuration. The exception itself goes to the log (Flask logs 500s before this runs).

The database going away (restarted, failed over, a dropped connection) is a 503 "try again", not a
500: nothing the customer did is wrong, and the order's idempotency key makes pressing Pay again
safe. SQLAlchemy's pool pre-ping replaces the dead connections on the next request.
"""
import logging

from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from storefront.web.extensions import db

from storefront.web.extensions import htmx

log = logging.getLogger(__name__)

# status → (title, what to do). Statuses not listed use their class (4xx or 5xx).
MESSAGES = {
    400: ("We could not read that",
          "Something in what was sent did not make sense to us. Go back, check the form and "
          "try again."),
    404: ("Page not found",
          "There is nothing here. The product may have left the shop; the shop's front page "
          "has everything we sell."),
    405: ("Not available that way", "This address does not take that kind of request."),
    413: ("That was too much",
          "What was sent is larger than we accept ({limit} KB). Nothing was charged."),
    429: ("Too many tries",
          "There were too many requests from your connection in a short time. Wait a minute, "
          "then try again."),
    500: ("Something went wrong on our side",
          "We could not finish that. Nothing was charged twice; please try again in a moment."),
    503: ("We are back in a moment",
          "We could not finish that just now. Nothing was charged twice; please try again in a "
          "moment."),
}
CSRF_MESSAGE = ("This page has expired",
                "For your safety, pages on this shop expire after a while. Reload the page and "
                "try again. Nothing was charged.")


def describe(error):
    """(title, message) for an HTTPException."""
    if isinstance(error, CSRFError):
        return CSRF_MESSAGE
    code = error.code if error.code in MESSAGES else (400 if error.code < 500 else 500)
    title, message = MESSAGES[code]
    return title, message.format(limit=current_app.config["MAX_CONTENT_LENGTH"] // 1024)


def wants_json():
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == \
        "application/json"


def error_response(error):
    title, message = describe(error)
    if wants_json():
        # paying.js shows the message; "retry" because nothing on the page is wrong to fix.
        response = jsonify(next="retry", message=message)
    elif htmx:
        # The only thing htmx swaps is the price area: the error takes its place, and the Pay
        # button stays off until the next good price.
        response = render_template("errors/price.html", title=title, message=message)
    else:
        response = render_template("errors/page.html", title=title, message=message)
    # Keep what the error says beyond its text: Allow on a 405. (Flask-Limiter adds Retry-After.)
    headers = [(name, value) for name, value in error.get_headers()
               if name.lower() != "content-type"]
    return response, error.code, headers


def unreachable(error):
    """True for a database that could not be reached or went away mid-statement: the server
    stopped or restarting, the connection dropped (psycopg's OperationalError, or a DBAPIError
    that SQLAlchemy saw invalidate its connection)."""
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def database_unavailable(error):
    if not unreachable(error):
        raise error  # a real bug: Flask's 500, logged
    log.warning("The database is unavailable (%s): answered 503", type(error.orig).__name__,
                exc_info=error)
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the session is discarded with the request
        pass
    return error_response(ServiceUnavailable())


def init_app(app):
    app.register_error_handler(HTTPException, error_response)
    app.register_error_handler(DBAPIError, database_unavailable)
