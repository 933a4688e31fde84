"""What the shop owes a customer once an order exists, whatever paid it: the outbox that sends
receipts and notices exactly once (`outbox`, `mail`), the signed links those emails carry
(`links`), and the lease that lets one worker at a time act on an order (`leases`). It may import
`storefront.models`, `storefront.web` and `storefront.catalog`, never a view or Stripe."""
