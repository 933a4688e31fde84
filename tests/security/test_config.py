"""Production refuses to start with settings that would leak, mix modes or skip a control
(config.ProductionConfig.check, run by the app factory). Each refusal names the variable and
what to set instead."""
import pytest

from config import ConfigError, ProductionConfig
from storefront import create_app
from tests.production import set_production_environment


@pytest.fixture
def environment(monkeypatch):
    """Set the environment production reads; returns the settings as the app would see them."""

    def set_env(**changes):
        settings = set_production_environment(monkeypatch, **changes)
        return settings | {"STRIPE_JS_URL": ProductionConfig.STRIPE_JS_URL}

    return set_env


def test_a_complete_production_configuration_starts(environment):
    settings = environment()
    app = create_app("production", **settings)
    assert app.config["HTTPS_ONLY"] is True


@pytest.mark.parametrize("name", ProductionConfig.REQUIRED)
def test_each_missing_setting_stops_the_shop(environment, name):
    settings = environment(**{name: None})
    with pytest.raises(ConfigError, match=f"Missing environment variables: {name}"):
        ProductionConfig.check(settings | {name: None})


@pytest.mark.parametrize("change, problem", [
    ({"STRIPE_SECRET_KEY": "sk_live_shop", "STRIPE_PUBLISHABLE_KEY": "pk_test_shop"},
     "mix live and test"),
    ({"STRIPE_SECRET_KEY": "sk_test_shop", "STRIPE_PUBLISHABLE_KEY": "pk_live_shop"},
     "mix live and test"),
    # The two keys swapped: the secret one would be sent to every browser.
    ({"STRIPE_SECRET_KEY": "pk_live_shop", "STRIPE_PUBLISHABLE_KEY": "sk_live_shop"},
     "must be sk_/rk_"),
    ({"STRIPE_WEBHOOK_SECRET": "sk_live_shop"}, "whsec_"),
])
def test_keys_that_do_not_belong_together_stop_the_shop(environment, change, problem):
    settings = environment(**change)
    with pytest.raises(ConfigError, match=problem):
        create_app("production", **settings)


def test_stripe_js_must_come_from_stripe_with_live_keys(environment):
    settings = environment(STRIPE_SECRET_KEY="sk_live_shop", STRIPE_PUBLISHABLE_KEY="pk_live_shop")
    settings |= {"STRIPE_JS_URL": "https://cdn.example.com/stripe.js"}
    with pytest.raises(ConfigError, match="Stripe.js must load from https://js.stripe.com"):
        create_app("production", **settings)


NEW_KEY = r"set SECRET_KEY to a new random value"


@pytest.mark.parametrize("key, problem", [
    # The repository's own development default: whoever reads it signs an admin's cookie.
    ("dev-only-not-secret", "SECRET_KEY is a value published in this repository"),
    ("testing", "SECRET_KEY is a value published in this repository"),
    ("0123456789abcdef0123456789abcde", "SECRET_KEY is shorter than 32 bytes"),
    ("x" * 40, "SECRET_KEY looks like a placeholder"),
    ("changeme" * 5, "SECRET_KEY looks like a placeholder"),
])
def test_a_guessable_secret_key_stops_the_shop(environment, key, problem):
    with pytest.raises(ConfigError, match=f"^{problem}.*{NEW_KEY}"):
        create_app("production", **environment(SECRET_KEY=key))


@pytest.mark.parametrize("secret", ["whsec_", "whsec_shop", "whsec_" + "a" * 23])
def test_a_bare_or_short_webhook_secret_stops_the_shop(environment, secret):
    with pytest.raises(ConfigError, match="^STRIPE_WEBHOOK_SECRET is too short.*whole whsec_"):
        create_app("production", **environment(STRIPE_WEBHOOK_SECRET=secret))


@pytest.mark.parametrize("uri", ["memory://", "file:///tmp/limits", "moving-window://"])
def test_rate_limits_kept_per_process_stop_the_shop(environment, uri):
    with pytest.raises(ConfigError, match="^RATELIMIT_STORAGE_URI=.* per process.*redis://"):
        create_app("production", **environment(RATELIMIT_STORAGE_URI=uri))


@pytest.mark.parametrize("uri", ["redis://127.0.0.1:6379/0", "rediss://cache.internal:6380"])
def test_shared_rate_limit_storage_is_accepted(environment, uri):
    create_app("production", **environment(RATELIMIT_STORAGE_URI=uri))


@pytest.mark.parametrize("url", ["smtp+plain://mail.example.com:25", "mail.example.com:25",
                                 "http://mail.example.com"])
def test_mail_without_tls_stops_the_shop(environment, url):
    with pytest.raises(ConfigError, match="^SMTP_URL must be smtp://… .*or smtps://…"):
        create_app("production", **environment(SMTP_URL=url))


@pytest.mark.parametrize("backend", ["log", "memory"])
def test_a_mail_backend_that_sends_nothing_stops_the_shop(environment, backend):
    with pytest.raises(ConfigError, match=f"^MAIL_BACKEND={backend} sends no receipt.*MAIL_BACKEND=smtp"):
        create_app("production", **environment(MAIL_BACKEND=backend))


def test_a_missing_smtp_ca_file_stops_the_shop(environment, tmp_path):
    missing = tmp_path / "no-such-ca.pem"
    with pytest.raises(ConfigError, match=f"^SMTP_CA_FILE={missing} is not a file"):
        create_app("production", **environment(SMTP_CA_FILE=str(missing)))


def test_test_keys_may_use_another_stripe(environment):
    """A staging shop (or scripts/with-production.sh) runs production against the local Stripe."""
    local = "http://127.0.0.1:12111"
    settings = environment(STRIPE_SECRET_KEY="sk_test_shop", STRIPE_PUBLISHABLE_KEY="pk_test_shop")
    app = create_app("production", **settings | {"STRIPE_JS_URL": f"{local}/v3/",
                                                  "STRIPE_API_BASE": local})
    assert app.config["STRIPE_JS_URL"] == f"{local}/v3/"


@pytest.mark.parametrize("key, why", [
    ("password1234567890123456789012345", "it contains the word 'password'"),
    ("Secret-shop-key-for-maple-and-ink-2026", "it contains the word 'secret'"),
    ("k9Qz" + "7" * 8 + "mW2pLr5tYv8nB3xC6uJ4kHs", "it repeats '7' 8 times in a row"),
    ("Zq8mW2pL" + "abcdefgh" + "r5tYv8nB3xC6uJ4k", "it counts through 'abcdefgh'"),
])
def test_a_secret_key_a_word_or_a_pattern_gives_stops_the_shop(environment, key, why):
    with pytest.raises(ConfigError, match=f"^SECRET_KEY looks made up by a person \\({why}\\).*{NEW_KEY}"):
        create_app("production", **environment(SECRET_KEY=key))


@pytest.mark.parametrize("secret, why", [
    ("whsec_xxxxxxxxxxxxxxxxxxxxxxxx", "it repeats 'x' 8 times in a row"),
    ("whsec_changeme_changeme_changeme", "it contains the word 'changeme'"),
    ("whsec_123412341234123412341234", "it is '1234' over and over"),
])
def test_a_webhook_secret_a_word_or_a_pattern_gives_stops_the_shop(environment, secret, why):
    with pytest.raises(ConfigError, match=f"^STRIPE_WEBHOOK_SECRET is not one Stripe made \\({why}\\).*whole whsec_"):
        create_app("production", **environment(STRIPE_WEBHOOK_SECRET=secret))


def test_generated_secrets_pass():
    """What docs/production.md and scripts/with-production.sh generate, a thousand times over."""
    import secrets

    from config import secret_key_refusal, webhook_secret_refusal

    for _ in range(1000):
        assert secret_key_refusal(secrets.token_urlsafe(48)) is None
        assert secret_key_refusal(secrets.token_hex(32)) is None
        assert webhook_secret_refusal("whsec_" + secrets.token_hex(24)) is None
        assert webhook_secret_refusal("whsec_" + secrets.token_urlsafe(24)) is None


def test_a_word_in_a_random_secret_by_chance_is_no_sign_of_a_person():
    """A token Stripe or `secrets` made mixes its letters' cases: one held "dUMMy" once and
    was refused. A word as a person types it is still refused."""
    from config import webhook_secret_refusal

    assert webhook_secret_refusal("whsec_7pRBgbAZGSvdUMMy0viMqhlIuvzjE0bG") is None
    for typed in ("dummy", "Dummy", "DUMMY"):
        assert "the word 'dummy'" in webhook_secret_refusal(f"whsec_7pRBgbAZGSv{typed}0viMqhlIuvzjE0bG")
