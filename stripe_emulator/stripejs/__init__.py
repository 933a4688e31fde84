"""Stripe.js (/v3/, and /<release>/stripe.js for each release) and its frames (Elements, 3-D
Secure), served from the emulator's origin; its files are stripe_emulator/static/ and
templates/stripejs/. It imports nothing of the emulator (create_app hands it the releases'
table); the bank and Checkout pages import its CSP and page helper.
"""
