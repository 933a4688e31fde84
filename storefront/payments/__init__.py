"""A payment's life with Stripe. `decision` maps Stripe's answer to what the shop does next
(pure); `gateway` is the one module that calls Stripe; `settlement` records what was decided;
`webhooks`, `reconcile` and `refunds` keep orders true to Stripe afterwards; `connect` pays the
makers their share through Stripe Connect. It may import `orders`, `models`, `web` and `catalog`;
no views of the checkout or admin."""
