"""Returning customers' accounts: no password, a one-time link emailed to the address
(signin.py), a session of its own that is never an admin's (sessions.py), the orders and "buy
again" of the account page (history.py), its one Stripe Customer (customers.py), and deleting it
(deletion.py). The pages are views.py; docs/accounts.md tells the whole story."""
