"""Maple & Ink, the shop. The package itself imports nothing of its own, so that the pure
packages (`storefront.catalog`, `storefront.payments.decisions`) load without Flask or SQLAlchemy;
`create_app` is fetched from `storefront.app` when first asked for.

The packages, each allowed to import only those below it (`.importlinter` checks this in
`make test`; docs/architecture.md draws it):

    app                      the factory
    styleguide | cli         the designers' page, the `flask` commands
    admin                    the merchant's pages
    checkout                 the customer's pages: product page, bag, pay, Stripe Checkout, receipts
    payments                 a payment's life with Stripe: decision, gateway, settlement, refunds,
                             webhooks, reconcile, makers' transfers
    orders                   what the shop owes the customer: outbox, mail, signed links, leases
    models                   the records, one module because they refer to one another
    web                      the frame: extensions, headers, assets, sessions, limits, errors
    catalog                  pure: products, prices, money, ways to pay
"""


def __getattr__(name):
    if name == "create_app":
        from storefront.app import create_app  # lazily: the pure packages must not load Flask

        return create_app
    raise AttributeError(f"module 'storefront' has no attribute {name!r}")
