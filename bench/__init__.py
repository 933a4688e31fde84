"""`make bench`: the shop's performance figures against its budgets (see docs/performance.md).

    __main__.py  runs everything and prints the table; JSON goes to bench/out/latest.json
    servers.py   the local Stripe, the shop and a bare Flask app under gunicorn
    load.py      price partial (warm, cold) vs bare Flask: server CPU, throughput, latency (wrk)
    queries.py   SQL statements per request
    browser.py   page weight, price round trip, pay → receipt, Stripe calls, in chromium
    report.py    budgets, the machine, the table
    hello.py     the bare Flask app
    profile.py   where a quote's time goes, warm and cold (`python -m bench.profile`)
"""
