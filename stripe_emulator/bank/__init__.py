"""ACH Direct Debit: a bank debit's life on a PaymentIntent (mandate, microdeposits,
settlement days later, bank refunds) and the pages a customer pays by bank on (the bank
dialog, the hosted microdeposit page). It builds on payments, machinery and stripejs, and
registers its debits with payments (payments/debits.py) so that payments never imports it.
"""
