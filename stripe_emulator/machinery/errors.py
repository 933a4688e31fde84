"""Stripe's error envelope, and the few constructors every endpoint shares.

`saved` tells the idempotency layer whether the error may be replayed: Stripe saves a result
only once an endpoint began executing, so a request that failed parameter validation can be
retried with the same key after the caller fixes it.
"""


def doc_url(code):
    """Stripe links every error code to its page of the error-code reference."""
    return f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"


class StripeError(Exception):
    def __init__(self, status, type, message, *, code=None, decline_code=None, param=None,
                 saved=True, headers=None, payment_intent=None, payment_method=None, charge=None):
        super().__init__(message)
        self.status = status
        self.type = type
        self.message = message
        self.code = code
        self.decline_code = decline_code
        self.param = param
        self.saved = saved
        self.headers = headers or {}
        self.payment_intent = payment_intent
        self.payment_method = payment_method
        self.charge = charge

    def body(self, payment_intent=None):
        """The `error` hash; `payment_intent` is the intent (a PaymentIntent or a SetupIntent,
        named by its own type) as this caller may see it."""
        error = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = doc_url(self.code)
        for name in ("decline_code", "param", "charge"):
            if getattr(self, name):
                error[name] = getattr(self, name)
        if self.payment_method is not None:
            error["payment_method"] = self.payment_method
        if payment_intent is not None:
            error[payment_intent.get("object", "payment_intent")] = payment_intent
        return {"error": error}


def invalid_request(message, *, param=None, code=None, saved=True):
    return StripeError(400, "invalid_request_error", message, param=param, code=code,
                       saved=saved)


def invalid_param(message, *, param=None, code=None):
    """A request rejected before anything ran: not saved for idempotent replay."""
    return invalid_request(message, param=param, code=code, saved=False)


def missing_param(name):
    return invalid_param(f"Missing required param: {name}.", param=name, code="parameter_missing")


# The param Stripe's 404 names, where it is not "id".
_MISSING_PARAM = {"payment_intent": "intent"}


def not_found(kind, object_id):
    return StripeError(404, "invalid_request_error", f"No such {kind}: '{object_id}'",
                       param=_MISSING_PARAM.get(kind, "id"), code="resource_missing",
                       saved=False)


def unexpected_state(message, *, param=None):
    return invalid_request(message, param=param, code="payment_intent_unexpected_state")


def unauthorized(message):
    return StripeError(401, "invalid_request_error", message, saved=False)


def api_error(message="An unknown error occurred", status=500):
    return StripeError(status, "api_error", message)


def rate_limited():
    # Stripe-Should-Retry tells the official libraries a retry is safe (nothing ran).
    return StripeError(429, "invalid_request_error",
                       "Too many requests hit the API too quickly. We recommend an exponential "
                       "backoff of your requests.", code="rate_limit", saved=False,
                       headers={"Stripe-Should-Retry": "true"})
