"""Gunicorn settings for production and for `make bench`: `gunicorn -c gunicorn.conf.py wsgi:app`.

Only what differs between machines comes from the environment:
    WEB_CONCURRENCY   worker processes (default: one per core)
    GUNICORN_THREADS  threads per worker (default 4)
    GUNICORN_BIND     address to listen on (default 127.0.0.1:8000, behind a reverse proxy;
                      a container sets 0.0.0.0:8000)
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
# Threads, not sync workers: pay waits on Stripe for up to a second or more, and with sync
# workers one slow Stripe call would hold a whole process while other customers' price
# updates queue behind it. Threads also keep connections alive between htmx requests.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
