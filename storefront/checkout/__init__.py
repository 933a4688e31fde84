"""The customer's pages: the product page with its live price (`shop`, with the worker's catalog
`snapshot` and the cacheable `price_partial`), paying on it (`pay`), the bag (`bag`), Stripe's own
Checkout page (`stripe_checkout`), the receipt (`receipts`) and what a paid order brings:
files to download and a ticket's calendar file (`downloads`). Views stay thin: they read the
request, ask `payments` and `catalog`, and render. It may import everything below it but `admin`
and the app."""
