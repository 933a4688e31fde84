"""The web frame every page stands in: Flask's extensions (the database, CSRF, htmx), the
security headers, static assets, sessions, rate limits, error pages, URL converters and Jinja
filters. It knows nothing of orders or payments; it may import only `storefront.catalog` (for
money's formatting)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project's folder: templates, static, migrations
