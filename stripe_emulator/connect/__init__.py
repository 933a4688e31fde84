"""Connect: connected accounts, Account Links and their onboarding page, transfers and their
reversals, and Connect's part of /_emulator/ (connect_control.py). It imports payments (the
balance) and machinery; nothing imports it but the route table and create_app (the pipeline
is handed `accounts.find`).
"""
