"""Throughput and latency under load, from wrk (Debian's package; `make bench` installs it).

Why wrk: it is C on epoll, so one wrk thread drives both gunicorn workers while using a small
share of one core, where a Python client would need a core of its own to keep up and take it
from the server being measured. Its Lua hooks let every request carry what htmx sends (the
selection in the URL, HX-Request, the session cookie a browser sends with it) and report exact
percentiles as JSON.

The price partial is measured warm (load.py's 24 selections, again and again, as customers
trying the same few choices) and cold (a custom tip new on every request, so no answer is ever
asked for twice); both against the bare-Flask route, each run between two of its runs, so
that whatever else the machine is doing falls on both alike; the ratios are taken run by run.
The bag's price partial (GET /bag with two lines: the workshop as above, and a poster) is measured the
same way, warm and cold, against the same budgets.
"""
import http.cookiejar
import itertools
import json
import os
import statistics
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

from tests.perf.checkout_client import QUOTE_HEADERS, page_tokens, quote_url

PRODUCT = "letterpress-workshop"
CONNECTIONS = 8  # gunicorn's 2 workers × 4 threads, each kept busy
# What a current browser accepts; the shop compresses the partial accordingly.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
# A cold request's custom tip is (round's base + its number) cents: new in every round too.
COLD_BASE = 1_000_000

LUA = """
local paths, headers, cold_base = %(paths)s, %(headers)s, %(cold_base)s
local prepared, next_one = {}, 0
function init(args)
  for i, path in ipairs(paths) do prepared[i] = wrk.format("GET", path, headers) end
end
function request()
  next_one = next_one + 1
  if cold_base > 0 then
    local cents = cold_base + next_one
    return wrk.format("GET", paths[1] .. string.format("%%d.%%02d", math.floor(cents / 100), cents %% 100), headers)
  end
  return prepared[(next_one - 1) %% #prepared + 1]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "non_2xx": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_value(value):
    """A Lua literal for strings, integers, lists of strings and string tables (ASCII only)."""
    if isinstance(value, (str, int)):
        return json.dumps(value)
    if isinstance(value, list):
        return "{" + ", ".join(lua_value(item) for item in value) + "}"
    return "{" + ", ".join(f"[{lua_value(k)}] = {lua_value(v)}" for k, v in value.items()) + "}"


def selections():
    """24 different selections, as customers make them: quantities, sessions, extras, tips."""
    variants = itertools.product(["1", "2", "3", "4", "5", "6"],
                                 ["saturday-morning", "thursday-evening"], [[], ["materials-kit"]],
                                 ["0", "15"])
    for quantity, session, addons, tip in itertools.islice(variants, 24):
        yield [("quantity", quantity), ("option-session", session),
               *(("addon", addon) for addon in addons), ("tip", tip), ("tip_custom", "")]


def browser_headers(shop_url):
    """What htmx's GET carries: HX-Request, and the cookies (and the CSRF header, which the
    page sets on all of htmx's requests) of a customer who opened the page."""
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    with opener.open(f"{shop_url}/p/{PRODUCT}") as response:
        tokens = page_tokens(response.read().decode())
    return QUOTE_HEADERS | {
        "X-CSRFToken": tokens["csrf_token"],
        "Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies),
        "Accept-Encoding": ACCEPT_ENCODING,
    }


def warm_requests(shop_url):
    return {"paths": [f"/p/{PRODUCT}?{urllib.parse.urlencode(selection)}"
                      for selection in selections()],
            "headers": browser_headers(shop_url), "cold_base": 0}


def cold_requests(shop_url, round_number):
    """Each request's URL ends in a custom tip of its own: `tip_custom=` + cents as 12.34."""
    selection = [("quantity", "2"), ("option-session", "thursday-evening"), ("tip", "custom")]
    prefix = quote_url(PRODUCT, selection) + "&tip_custom="
    return {"paths": [prefix], "headers": browser_headers(shop_url),
            "cold_base": COLD_BASE * round_number}


def bag_query(selection):
    """The bag's partial for two lines: the workshop with `selection`, and two A2 posters."""
    lines = [(f"line-0-{name}", value) for name, value in selection]
    lines += [("line-0-product", PRODUCT), ("line-1-product", "city-lights-poster"),
              ("line-1-quantity", "2"), ("line-1-option-size", "a2")]
    return f"/bag?{urllib.parse.urlencode(lines)}"


def bag_warm_requests(shop_url):
    return {"paths": [bag_query(selection) for selection in selections()],
            "headers": browser_headers(shop_url), "cold_base": 0}


def bag_cold_requests(shop_url, round_number):
    """Like cold_requests: the workshop line's custom tip, new on every request, ends the URL."""
    selection = [("quantity", "2"), ("option-session", "thursday-evening"), ("tip", "custom")]
    return {"paths": [bag_query(selection) + "&line-0-tip_custom="], "headers": browser_headers(shop_url),
            "cold_base": COLD_BASE * round_number}


def hello_requests():
    return {"paths": ["/hello"], "headers": {"Accept-Encoding": ACCEPT_ENCODING}, "cold_base": 0}


def cpu_seconds(master_pid):
    """User + system CPU time used so far by a gunicorn master and its workers."""
    pids = [master_pid]
    for task in Path(f"/proc/{master_pid}/task").iterdir():
        pids += [int(pid) for pid in (task / "children").read_text().split()]
    ticks = 0
    for pid in pids:
        # After the command name, which may hold spaces: utime and stime are fields 14 and 15.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(base_url, requests, seconds, script_path, server_pid):
    script_path.write_text(LUA % {name: lua_value(value) for name, value in requests.items()})
    cpu_before = cpu_seconds(server_pid)
    run = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "-s",
         str(script_path), base_url],
        capture_output=True, text=True, check=True, timeout=seconds + 30)
    cpu = cpu_seconds(server_pid) - cpu_before
    [line] = [line for line in run.stdout.splitlines() if line.startswith("WRK ")]
    result = json.loads(line[4:])
    return {
        "server_cpu_us_per_request": cpu / result["requests"] * 1e6,
        "requests_per_second": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "requests": result["requests"],
        "failed": result["non_2xx"] + result["socket_errors"],
    }


PARTIALS = ("warm", "cold", "bag_warm", "bag_cold")


def compare(running, workdir, rounds=3, seconds=8, warmup_seconds=2):
    """Warm and cold price partial vs bare Flask: each figure the median of `rounds` runs.

    Beside wrk's throughput, the servers' own CPU time per request (from /proc): on a machine
    that other work shares, throughput moves with that work, CPU time per request much less.
    This machine's speed still drifts by a third within a minute, so each partial's run is
    bracketed by bare Flask's, and its ratio taken against the mean of the two beside it.
    """
    shop, hello = running["shop"], running["hello"]
    pids = {name: running["pids"]["quote"] for name in PARTIALS}
    pids["hello"] = running["pids"]["hello"]

    def targets(round_number):
        return {"warm": (shop, warm_requests(shop)),
                "cold": (shop, cold_requests(shop, round_number)),
                "bag_warm": (shop, bag_warm_requests(shop)),
                "bag_cold": (shop, bag_cold_requests(shop, round_number)),
                "hello": (hello, hello_requests())}

    def run(name, round_number):
        url, requests = targets(round_number)[name]
        return wrk(url, requests, seconds, workdir / f"{name}.lua", pids[name])

    for name, (url, requests) in targets(1).items():
        wrk(url, requests, warmup_seconds, workdir / f"{name}.lua", pids[name])
    runs = {name: [] for name in pids}
    pairs = {name: [] for name in PARTIALS}  # (partial's run, bare Flask's mean beside it)
    for round_number in range(2, rounds + 2):
        before = run("hello", round_number)
        runs["hello"].append(before)
        for name in PARTIALS:
            partial = run(name, round_number)
            after = run("hello", round_number)
            runs[name].append(partial)
            runs["hello"].append(after)
            pairs[name].append((partial, {key: (before[key] + after[key]) / 2 for key in (
                "requests_per_second", "server_cpu_us_per_request")}))
            before = after
    figures = ("requests_per_second", "p50_ms", "p99_ms", "server_cpu_us_per_request")
    summary = {name: {key: statistics.median(run[key] for run in results) for key in figures}
               | {"failed": sum(run["failed"] for run in results), "runs": results}
               for name, results in runs.items()}
    for name in PARTIALS:
        summary[f"{name}_ratio"] = statistics.median(
            quote["requests_per_second"] / beside["requests_per_second"]
            for quote, beside in pairs[name])
        summary[f"{name}_cpu_ratio"] = statistics.median(
            beside["server_cpu_us_per_request"] / quote["server_cpu_us_per_request"]
            for quote, beside in pairs[name])
    summary["settings"] = {"connections": CONNECTIONS, "rounds": rounds, "seconds": seconds}
    return summary
