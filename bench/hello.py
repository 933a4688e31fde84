"""The yardstick: a bare Flask route, served by the same gunicorn config as the shop."""
from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
