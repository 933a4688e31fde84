"""The emulator's machinery, under every resource: the store and its clock, the request
pipeline (log, faults, API keys, parameters, idempotency, API versions, expand, errors),
events and their webhook delivery, and /_emulator/ (control.py). It imports nothing of the
emulator outside itself: what it must know of the resources is handed to it (the pipeline's
`Resources`) or registered with it (`events.listen`).
"""
