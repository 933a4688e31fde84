"""Production refuses to start with settings that would leak, mix modes or skip a control
(config.ProductionConfig.check, run by the app factory)."""
import pytest

from config import ConfigError, ProductionConfig
from storefront import create_app

GOOD = {
    "SECRET_KEY": "a-long-random-production-secret-key",
    "DATABASE_URL": "sqlite://",
    "STRIPE_SECRET_KEY": "sk_live_shop",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_shop",
    "STRIPE_WEBHOOK_SECRET": "whsec_shop",
    "RATELIMIT_STORAGE_URI": "memory://",
    "SMTP_URL": "smtp://mail.invalid:25",
}


@pytest.fixture
def environment(monkeypatch):
    """Set the environment production reads; returns the settings as the app would see them."""

    def set_env(**changes):
        env = GOOD | changes
        for name in GOOD:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            if value is not None:
                monkeypatch.setenv(name, value)
        settings = {name: value for name, value in env.items() if name != "DATABASE_URL"}
        return settings | {"STRIPE_JS_URL": ProductionConfig.STRIPE_JS_URL, "MAIL_BACKEND": "smtp"}

    return set_env


def test_a_complete_production_configuration_starts(environment):
    settings = environment()
    app = create_app("production", **settings)
    assert app.config["HTTPS_ONLY"] is True


@pytest.mark.parametrize("name", ProductionConfig.REQUIRED)
def test_each_missing_setting_stops_the_shop(environment, name):
    settings = environment(**{name: None})
    with pytest.raises(ConfigError, match=f"Missing environment variables: {name}"):
        ProductionConfig.check(settings)


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


def test_stripe_js_must_come_from_stripe(environment):
    settings = environment() | {"STRIPE_JS_URL": "https://cdn.example.com/stripe.js"}
    with pytest.raises(ConfigError, match="Stripe.js must load from https://js.stripe.com"):
        create_app("production", **settings)


def test_test_keys_may_use_another_stripe(environment):
    """A staging shop (or scripts/with-production.sh) runs production against the local Stripe."""
    local = "http://127.0.0.1:12111"
    settings = environment(STRIPE_SECRET_KEY="sk_test_shop", STRIPE_PUBLISHABLE_KEY="pk_test_shop")
    app = create_app("production", **settings | {"STRIPE_JS_URL": f"{local}/v3/",
                                                  "STRIPE_API_BASE": local})
    assert app.config["STRIPE_JS_URL"] == f"{local}/v3/"
