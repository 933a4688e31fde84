"""What the shop sells and what it costs: the products as the catalog file declares them
(`products`), the price of a selection (`pricing`), money in minor units (`money`), and the ways
to pay with their fees (`methods`). Pure: no Flask, no database, no Stripe; it imports nothing
from the rest of the shop, so every other package may use it."""
