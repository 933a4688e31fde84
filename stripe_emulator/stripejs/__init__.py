"""Stripe.js v3 and its frames (Elements, 3-D Secure), served from the emulator's origin; its
files are stripe_emulator/static/ and templates/stripejs/. It imports nothing of the emulator;
the bank and Checkout pages import its CSP and page helper.
"""
