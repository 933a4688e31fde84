"""Entry point for gunicorn and `flask run`: `gunicorn wsgi:app`."""
from storefront import create_app

app = create_app()
