"""Error answers a person can read, in the form the request asked for: JSON for paying.js, the
price-area partial for htmx, a page otherwise.

They say what happened and what to do next, never what broke: no exception text, no request
data, no configuration. The exception itself goes to the log (Flask logs 500s before this runs).
"""
from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from storefront.web.extensions import htmx

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


def init_app(app):
    app.register_error_handler(HTTPException, error_response)
