"""Stripe.js v3 and the Element / 3-D Secure frames, served from the emulator's own origin."""
from flask import Blueprint

bp = Blueprint("stripejs", __name__)
