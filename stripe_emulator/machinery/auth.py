"""API keys: which kind a request carries, as Stripe reads it (Bearer, Basic, or Stripe.js's `key`).

Any `sk_test_…` (or restricted `rk_test_…`) key is a secret key and any `pk_test_…` key a
publishable one: the emulator is one test-mode account, whatever the key's suffix.
"""
import base64
import binascii

from .errors import unauthorized

NO_KEY = ("You did not provide an API key. You need to provide your API key in the "
          "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
          "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we "
          "can help at https://support.stripe.com/.")
PUBLISHABLE_FORBIDDEN = ("This API call cannot be made with a publishable API key. Please use a "
                         "secret API key. You can find a list of your API keys at "
                         "https://dashboard.stripe.com/account/apikeys.")
_KINDS = {"sk_test_": "secret", "rk_test_": "secret", "pk_test_": "publishable"}


def authenticate(headers, params):
    """(key, "secret" | "publishable"), or Stripe's 401."""
    key = _presented_key(headers.get("Authorization", ""), params.get("key"))
    if not key:
        raise unauthorized(NO_KEY)
    for prefix, kind in _KINDS.items():
        if key.startswith(prefix) and len(key) > len(prefix):
            return key, kind
    raise unauthorized(f"Invalid API Key provided: {key[:8]}{'*' * 12}{key[-4:]}")


def _presented_key(authorization, form_key):
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(credentials).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return None
    return form_key if isinstance(form_key, str) else None
