"""Maple & Ink, the shop. The package itself imports nothing, so that the pure modules
(`storefront.pricing`, `storefront.money`, `storefront.payments`) load without Flask or
SQLAlchemy; `create_app` (and ROOT, the project's folder) are fetched from
`storefront.app` when first asked for."""


def __getattr__(name):
    if name in ("create_app", "ROOT"):
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module 'storefront' has no attribute {name!r}")
