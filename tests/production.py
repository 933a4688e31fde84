"""A production environment that passes config.ProductionConfig.check, fresh random secrets each
call, for tests that build the shop as production would. Nothing here is ever connected to: the
rate-limit store and the mail server are reached only on first use."""
import secrets


def production_environment(**changes):
    """The environment variables production reads; a value of None leaves that one unset."""
    env = {
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": "sqlite://",
        "STRIPE_SECRET_KEY": "sk_test_production",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_production",
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_urlsafe(24),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
        "SMTP_URL": "smtps://shop:password@mail.invalid:465",
    }
    return env | changes


def set_production_environment(monkeypatch, **changes):
    """Set the variables in the process environment (ProductionConfig reads some there); return
    them as app settings (everything but DATABASE_URL, which config.py turns into a URI)."""
    env = production_environment(**changes)
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    settings = {name: value for name, value in env.items()
                if name != "DATABASE_URL" and value is not None}
    return settings | {"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"] or "sqlite://"}
