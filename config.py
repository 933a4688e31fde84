"""Configuration classes. `SHOP_CONFIG` (development | testing | production) picks one.

Both Stripe keys, the API base and the Stripe.js URL live here and nowhere else: the browser gets
the publishable key and the Stripe.js URL from the rendered page, never from hard-coded JavaScript.
"""
import os
from pathlib import Path
from urllib.parse import urlsplit

from stripe._api_version import _ApiVersion

HERE = Path(__file__).resolve().parent

# The local Stripe (`python -m stripe_emulator`) that development uses when no real keys are set.
LOCAL_STRIPE = os.environ.get("LOCAL_STRIPE_URL", "http://127.0.0.1:12111")


# Where real Stripe lives, for the page's Content-Security-Policy (Stripe's documented list).
STRIPE_JS_ORIGIN = "https://js.stripe.com"
# Stripe Checkout's page: framed by embedded Checkout, and where "Continue to payment" redirects
# for hosted Checkout (a form POST's redirect is a form action too, which Chrome checks).
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
STRIPE_ORIGINS = {
    "script-src": (STRIPE_JS_ORIGIN, "https://*.js.stripe.com"),
    # 3-D Secure challenge pages load from hooks.stripe.com.
    "frame-src": (STRIPE_JS_ORIGIN, "https://*.js.stripe.com", "https://hooks.stripe.com",
                  STRIPE_CHECKOUT_ORIGIN),
    "connect-src": ("https://api.stripe.com",),
    # "Continue to payment" may redirect to Stripe's Checkout page; the admin's onboarding form
    # redirects to a maker's Account Link, on connect.stripe.com.
    "form-action": (STRIPE_CHECKOUT_ORIGIN, "https://connect.stripe.com"),
}


def stripe_csp_sources(config):
    """The origins the page lets Stripe.js load scripts from, frame, and call.

    Real Stripe's by default. When STRIPE_JS_URL points at a local Stripe, that one origin serves
    Stripe.js, its frames, the 3-D Secure pages and the Checkout page, and STRIPE_API_BASE is
    what it calls and where its Account Links (onboarding pages) are.
    """
    js_url = config["STRIPE_JS_URL"]
    if not js_url or js_url.startswith(f"{STRIPE_JS_ORIGIN}/"):
        return STRIPE_ORIGINS
    js, api = _origin(js_url), _origin(config["STRIPE_API_BASE"] or js_url)
    return {"script-src": (js,), "frame-src": (js,), "connect-src": (api,),
            "form-action": tuple(dict.fromkeys((js, api)))}


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class ConfigError(RuntimeError):
    """The configuration cannot run a shop safely."""


def database_url(url):
    """SQLAlchemy's URL for a database URL as people have it.

    Hosting providers and libpq hand out `postgres://` and `postgresql://`; SQLAlchemy would read
    both with psycopg2 (or not at all), so they name psycopg 3 here. Other URLs pass unchanged.
    """
    scheme, separator, rest = url.partition("://")
    if separator and scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def engine_options(url):
    """Connection pool settings: each gunicorn worker has its own pool on the shared PostgreSQL,
    so connections add up to instances × workers × (pool size + overflow)."""
    if not url.startswith("postgresql"):
        return {}
    return {
        # A connection that the server or a proxy dropped while idle is replaced, not handed out.
        "pool_pre_ping": True,
        "pool_size": int(os.environ.get("DATABASE_POOL_SIZE", "5")),
        "max_overflow": int(os.environ.get("DATABASE_MAX_OVERFLOW", "2")),
    }


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{HERE / 'instance' / 'shop.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    # The secret of a second, Connect endpoint (events of the makers' accounts: account.updated),
    # when Stripe's Connect events come to the same URL from their own endpoint; optional.
    STRIPE_CONNECT_WEBHOOK_SECRET = os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET") or None
    # None means Stripe's own servers; a URL points the official library elsewhere.
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE") or None
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
    # The Stripe API version the shop speaks: every call sends it (payments/gateway.py), webhook
    # endpoints are created at it, and an event in another version is not acted on. By default
    # the version of the stripe library in requirements.txt, whose typed parameters `make
    # typecheck` checks the calls against; docs/production.md says how to move to a newer one.
    STRIPE_API_VERSION = os.environ.get("STRIPE_API_VERSION") or _ApiVersion.CURRENT
    STRIPE_MAX_NETWORK_RETRIES = int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2"))
    STRIPE_TIMEOUT_SECONDS = float(os.environ.get("STRIPE_TIMEOUT_SECONDS", "20"))
    SHOP_NAME = os.environ.get("SHOP_NAME", "Maple & Ink")
    SHOP_LOCALE = os.environ.get("SHOP_LOCALE", "en_US")
    CATALOG_PATH = os.environ.get("CATALOG_PATH", str(HERE / "catalog" / "demo.toml"))
    # The folder holding the files the catalog's [product.download] names (docs/fulfilment.md);
    # served only through signed links, never as static files.
    DOWNLOADS_PATH = os.environ.get("DOWNLOADS_PATH", str(HERE / "downloads"))
    # The checkout layout of products whose catalog entry names none: split | single | compact.
    CHECKOUT_LAYOUT = os.environ.get("CHECKOUT_LAYOUT", "split")
    # How customers pay for products whose catalog entry names no checkout_mode: "elements" (card
    # fields on the product page), "hosted" (Stripe's Checkout page) or "embedded" (Stripe's
    # Checkout inside the shop's page). docs/checkout-modes.md.
    CHECKOUT_MODE = os.environ.get("CHECKOUT_MODE", "elements")
    # Stripe Tax (storefront/payments/tax.py, docs/tax.md): "off" (no tax), "exclusive" (prices
    # are before tax; the tax is added to the total) or "inclusive" (prices include tax; the
    # total shows the tax it includes). Off by default, in development too, until the checkout
    # asks for an address: TAX_MODE=exclusive switches it on (the local Stripe answers).
    TAX_MODE = os.environ.get("TAX_MODE", "off")
    # Tax quotes each process remembers, by lines, shipping and address, and for how long.
    TAX_MEMO_SIZE = int(os.environ.get("TAX_MEMO_SIZE", "1024"))
    TAX_MEMO_SECONDS = int(os.environ.get("TAX_MEMO_SECONDS", "3600"))
    # How long a Stripe Checkout page stays payable (Stripe allows 30 minutes to 24 hours);
    # `flask orders reconcile` cancels the orders whose page expired unpaid.
    CHECKOUT_SESSION_MINUTES = int(os.environ.get("CHECKOUT_SESSION_MINUTES", "60"))
    # The designers' style guide at /styleguide (storefront/styleguide.py): development only.
    STYLEGUIDE = False
    MAX_CONTENT_LENGTH = 64 * 1024
    # Flask-Compress: static files are sent as streams, which it compresses only with these;
    # gzip is added to its default list because every client, curl included, accepts it.
    COMPRESS_ALGORITHM_STREAMING = ["zstd", "br", "gzip", "deflate"]
    # Price partials each process keeps rendered, by catalog revision and selection (shop.py).
    QUOTE_MEMO_SIZE = int(os.environ.get("QUOTE_MEMO_SIZE", "2048"))
    SHOP_URL = os.environ.get("SHOP_URL", "http://127.0.0.1:5000")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "log")  # log | memory | smtp
    MAIL_FROM = os.environ.get("MAIL_FROM", "Maple & Ink <orders@example.com>")
    # smtp://user:password@host:port (STARTTLS required) or smtps://… (TLS from the start), the
    # server's certificate checked against the system's CAs, or SMTP_CA_FILE's (a private CA).
    SMTP_URL = os.environ.get("SMTP_URL")
    SMTP_CA_FILE = os.environ.get("SMTP_CA_FILE") or None
    # Declined cards allowed on one order before the shop stops trying (card-testing brake).
    MAX_FAILED_ATTEMPTS_PER_ORDER = int(os.environ.get("MAX_FAILED_ATTEMPTS_PER_ORDER", "5"))
    # How long a second request for the same order waits for the first to finish.
    ORDER_BUSY_WAIT_SECONDS = float(os.environ.get("ORDER_BUSY_WAIT_SECONDS", "15"))
    # Served over https only: redirect http, send HSTS, mark the session cookie Secure.
    HTTPS_ONLY = False
    # How many reverse proxies in front of the shop set X-Forwarded-For/-Proto (0: none). Rate
    # limits count per client address, so behind a proxy this must be right.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Flask-Limiter. Per client address; memory storage is per process, so production uses Redis.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    # Redis down: each process counts in its own memory (limits per worker, not per shop, so
    # looser but never off) and logs "Rate limit storage unreachable - falling back to in-memory
    # storage"; customers still pay. It tries Redis again after 1, 2, 4 … 32 s and logs "Rate
    # limit storage recovered" once back (docs/production.md#when-redis-is-down).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Paying (and confirming after 3-D Secure): a customer needs a few tries; a card tester many.
    RATELIMIT_PAY = os.environ.get("RATELIMIT_PAY", "10 per minute;30 per hour")
    # Re-pricing the selection: htmx posts on every change, so generous, but bounded.
    RATELIMIT_QUOTE = os.environ.get("RATELIMIT_QUOTE", "120 per minute;1000 per hour")
    # Logging in to /admin: a person mistypes a few times; a guesser tries thousands.
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    # Asking for a customer's sign-in link (each sends an email), per client; and per address,
    # whoever asks, links sent in an hour (storefront/accounts/signin.py).
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "5 per minute;20 per hour")
    SIGN_IN_LINKS_PER_HOUR = int(os.environ.get("SIGN_IN_LINKS_PER_HOUR", "5"))
    # Order pages that may ask Stripe (a receipt waiting for microdeposits, the return from
    # Stripe's page), per client; each order is also asked about at most once per interval.
    RATELIMIT_ORDER_PAGES = os.environ.get("RATELIMIT_ORDER_PAGES", "60 per minute;600 per hour")
    STRIPE_READ_INTERVAL_SECONDS = float(os.environ.get("STRIPE_READ_INTERVAL_SECONDS", "30"))

    @classmethod
    def check(cls, config):
        """Refuse to start with settings that cannot take a payment."""


class DevelopmentConfig(Config):
    STYLEGUIDE = True
    # Real keys in the environment switch development to real Stripe; otherwise the local one.
    if not (Config.STRIPE_SECRET_KEY and Config.STRIPE_PUBLISHABLE_KEY):
        STRIPE_SECRET_KEY = "sk_test_local"
        STRIPE_PUBLISHABLE_KEY = "pk_test_local"
        STRIPE_WEBHOOK_SECRET = Config.STRIPE_WEBHOOK_SECRET or "whsec_local"
        STRIPE_API_BASE = Config.STRIPE_API_BASE or LOCAL_STRIPE
        STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", f"{LOCAL_STRIPE}/v3/")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    # scripts/with-postgres.sh sets TEST_DATABASE_URL; tests/conftest.py empties it per test.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    STRIPE_SECRET_KEY = "sk_test_testing"
    STRIPE_PUBLISHABLE_KEY = "pk_test_testing"
    STRIPE_WEBHOOK_SECRET = "whsec_testing"
    STRIPE_API_BASE = None  # tests point this at an in-process local Stripe
    STRIPE_JS_URL = None
    STRIPE_MAX_NETWORK_RETRIES = 0
    MAIL_BACKEND = "memory"
    # Tests drive the shop faster than any customer (retry loops, concurrent submits); the
    # limits stay on, out of their way. tests/security/test_rate_limits.py sets low ones.
    RATELIMIT_PAY = RATELIMIT_QUOTE = RATELIMIT_LOGIN = RATELIMIT_ORDER_PAGES = "1000 per minute"
    RATELIMIT_SIGN_IN = "1000 per minute"


# Every SECRET_KEY this repository has ever written down (defaults, tests, benches, docs): public,
# so anyone could sign an admin's session cookie with it. tests/project/test_config.py checks that
# every such literal in the repository is in this list.
PUBLIC_SECRET_KEYS = frozenset({"dev-only-not-secret", "testing", "bench-only"})
MIN_SECRET_KEY_BYTES = 32
# A placeholder ("x" * 40, "changeme-changeme-…") has few distinct characters; a random key many.
MIN_SECRET_KEY_SYMBOLS = 10
# Stripe's endpoint secrets are whsec_ followed by 32 characters; a bare or short one is a typo.
MIN_WEBHOOK_SECRET_LENGTH = len("whsec_") + 24
# A secret someone made up rather than generated (guessable()): it holds one of these words,
# or a run of RUN_LENGTH characters that repeat or count up or down, or is a short pattern
# over and over. Each word is 5 letters or more, so a generated secret (hex, base64url) holds
# one by chance about once in ten million.
COMMON_WORDS = ("password", "passwd", "secret", "changeme", "example", "letmein", "qwerty",
                "default", "placeholder", "dummy", "sample")
RUN_LENGTH = 8
MAX_PATTERN_LENGTH = 8
# Rate-limit storage that every worker and instance shares (limits' schemes); anything else,
# memory:// above all, counts per process and so multiplies each limit by the number of workers.
SHARED_RATELIMIT_SCHEMES = ("redis", "rediss", "redis+unix", "redis+cluster", "redis+sentinel",
                            "valkey", "valkeys", "valkey+unix", "valkey+cluster",
                            "valkey+sentinel", "memcached", "mongodb", "mongodb+srv")
# smtp:// requires STARTTLS, smtps:// is TLS from the first byte (storefront/orders/mail.py).
SMTP_SCHEMES = ("smtp", "smtps")


class ProductionConfig(Config):
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    HTTPS_ONLY = True
    REQUIRED = (
        "SECRET_KEY",
        "DATABASE_URL",
        "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "RATELIMIT_STORAGE_URI",  # e.g. redis://…: limits shared by every worker
        "SMTP_URL",
    )

    @classmethod
    def check(cls, config):
        missing = [name for name in cls.REQUIRED if not os.environ.get(name)]
        if missing:
            raise ConfigError(f"Missing environment variables: {', '.join(missing)}")
        secret, publishable = config["STRIPE_SECRET_KEY"], config["STRIPE_PUBLISHABLE_KEY"]
        if not secret.startswith(("sk_", "rk_")) or not publishable.startswith("pk_"):
            raise ConfigError("STRIPE_SECRET_KEY must be sk_/rk_… and STRIPE_PUBLISHABLE_KEY pk_…")
        if ("_live_" in secret) != ("_live_" in publishable):
            raise ConfigError("The Stripe keys mix live and test mode")
        if config.get("STYLEGUIDE"):
            raise ConfigError("The style guide is for development only: STYLEGUIDE must be off")
        if not config["STRIPE_WEBHOOK_SECRET"].startswith("whsec_"):
            raise ConfigError("STRIPE_WEBHOOK_SECRET must be the endpoint's whsec_… secret")
        # Card numbers typed into a copy of Stripe.js would pass through its host. Test keys take
        # no real cards, so a staging shop may point both URLs at another Stripe (the local one).
        live = "_live_" in secret
        if live and not config["STRIPE_JS_URL"].startswith(f"{STRIPE_JS_ORIGIN}/"):
            raise ConfigError(f"Stripe.js must load from {STRIPE_JS_ORIGIN}, never a copy")
        for refusal in (secret_key_refusal(config["SECRET_KEY"]),
                        webhook_secret_refusal(config["STRIPE_WEBHOOK_SECRET"]),
                        ratelimit_refusal(config["RATELIMIT_STORAGE_URI"]),
                        mail_refusal(config)):
            if refusal:
                raise ConfigError(refusal)


# Stripe Tax's modes (TAX_MODE above).
TAX_MODES = ("off", "exclusive", "inclusive")


def secret_key_refusal(key):
    """Why production must not sign sessions with `key`, or None."""
    advice = 'set SECRET_KEY to a new random value, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
    if key in PUBLIC_SECRET_KEYS:
        return f"SECRET_KEY is a value published in this repository: {advice}"
    if len(key.encode()) < MIN_SECRET_KEY_BYTES:
        return f"SECRET_KEY is shorter than {MIN_SECRET_KEY_BYTES} bytes: {advice}"
    if len(set(key)) < MIN_SECRET_KEY_SYMBOLS:
        return f"SECRET_KEY looks like a placeholder (few distinct characters): {advice}"
    if why := guessable(key):
        return f"SECRET_KEY looks made up by a person ({why}): {advice}"
    return None


def webhook_secret_refusal(secret):
    advice = "set it to the whole whsec_… value from the Stripe Dashboard (Developers → Webhooks)"
    if len(secret) < MIN_WEBHOOK_SECRET_LENGTH:
        return f"STRIPE_WEBHOOK_SECRET is too short to be an endpoint's secret: {advice}"
    if why := guessable(secret.removeprefix("whsec_")):
        return f"STRIPE_WEBHOOK_SECRET is not one Stripe made ({why}): {advice}"
    return None


def guessable(secret):
    """Why `secret` looks made up by a person, one a dictionary word or a repeated pattern
    gives, or None: a word of COMMON_WORDS in it (as a person types it), a run of RUN_LENGTH
    characters all alike or counting up or down (xxxxxxxx, 12345678, hgfedcba), or a pattern of up to
    MAX_PATTERN_LENGTH characters over and over (abcabcabc…)."""
    # As a person types a word: "password", "Password" or "PASSWORD". A random secret mixes its
    # cases, and a word in it by chance ("dUMMy") is no sign of a person.
    if word := next((word for word in COMMON_WORDS
                     if any(form in secret for form in (word, word.capitalize(), word.upper()))),
                    None):
        return f"it contains the word {word!r}"
    for start in range(len(secret) - RUN_LENGTH + 1):
        run = secret[start:start + RUN_LENGTH]
        steps = {ord(b) - ord(a) for a, b in zip(run, run[1:])}
        if steps == {0}:
            return f"it repeats {run[0]!r} {RUN_LENGTH} times in a row"
        if steps in ({1}, {-1}):
            return f"it counts through {run!r}"
    for length in range(1, MAX_PATTERN_LENGTH + 1):
        if len(secret) >= 3 * length and secret == (secret[:length] * len(secret))[:len(secret)]:
            return f"it is {secret[:length]!r} over and over"
    return None


def ratelimit_refusal(uri):
    scheme = uri.partition("://")[0]
    if scheme not in SHARED_RATELIMIT_SCHEMES:
        return (f"RATELIMIT_STORAGE_URI={scheme}:// keeps counts per process, which multiplies "
                "every limit by the number of workers: set it to a shared store, e.g. "
                "redis://127.0.0.1:6379/0")
    return None


def mail_refusal(config):
    if config["MAIL_BACKEND"] != "smtp":
        return (f"MAIL_BACKEND={config['MAIL_BACKEND']} sends no receipt to customers: set "
                "MAIL_BACKEND=smtp (the production default) and SMTP_URL")
    scheme = config["SMTP_URL"].partition("://")[0]
    if scheme not in SMTP_SCHEMES:
        return (f"SMTP_URL must be smtp://… (STARTTLS required) or smtps://… (TLS from the "
                f"start), not {scheme}://: mail without TLS would expose the SMTP login")
    ca_file = config.get("SMTP_CA_FILE")
    if ca_file and not Path(ca_file).is_file():
        return f"SMTP_CA_FILE={ca_file} is not a file: set it to the mail server's CA certificate (PEM)"
    return None


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
