"""The customer's pages: the product page with its live price (`shop`, with the worker's catalog
`snapshot` and the cacheable `price_partial`), paying on it (`pay`), the bag (`bag`), Stripe's own
Checkout page (`stripe_checkout`) and the receipt (`receipts`). Views stay thin: they read the
request, ask `payments` and `catalog`, and render. It may import everything below it but `admin`
and the app."""
