"""The page a charge's `receipt_url` opens: what was paid, with which card, and what was refunded."""
import datetime

from flask import Blueprint, abort, current_app, render_template_string

from .currencies import format_amount

bp = Blueprint("receipts", __name__)

PAGE = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Receipt {{ charge.id }}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
dt{color:#555}dd{margin:0 0 .5rem}</style>
<h1>Receipt</h1>
<dl>
<dt>Amount paid</dt><dd data-amount>{{ amount }}</dd>
<dt>Date paid</dt><dd>{{ paid_on }}</dd>
{% if card %}<dt>Payment method</dt><dd>{{ card.brand|title }} ending in {{ card.last4 }}</dd>{% endif %}
{% if charge.description %}<dt>Description</dt><dd>{{ charge.description }}</dd>{% endif %}
{% if refunded %}<dt>Refunded</dt><dd data-refunded>{{ refunded }}</dd>{% endif %}
</dl>
<p>Receipt for charge {{ charge.id }} (test mode).</p>
</html>"""


@bp.get("/receipts/<charge_id>")
def receipt(charge_id):
    emulator = current_app.extensions["stripe_emulator"]
    with emulator.lock:
        charge = emulator.store.find(charge_id)
        if charge is None or charge["object"] != "charge" or not charge["paid"]:
            abort(404)
        charge = dict(charge)
    currency = charge["currency"]
    return render_template_string(
        PAGE, charge=charge,
        amount=format_amount(charge["amount"], currency),
        refunded=charge["amount_refunded"] and format_amount(charge["amount_refunded"], currency),
        card=(charge["payment_method_details"] or {}).get("card"),
        paid_on=datetime.datetime.fromtimestamp(charge["created"], datetime.UTC).strftime("%d %B %Y"))
