"""Throughput and latency under load, from wrk (Debian's package; `make bench` installs it).

Why wrk: it is C on epoll, so one wrk thread drives both gunicorn workers while using a small
share of one core, where a Python client would need a core of its own to keep up and take it
from the server being measured. Its Lua hooks let every request carry what htmx sends (the form,
HX-Request, the CSRF token and session cookie) and report exact percentiles as JSON.

The quote partial and the bare-Flask route are measured in alternating rounds, so that whatever
else the machine is doing falls on both alike; the ratio is taken round by round.
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

from tests.perf.checkout_client import QUOTE_HEADERS, page_tokens

PRODUCT = "letterpress-workshop"
CONNECTIONS = 8  # gunicorn's 2 workers × 4 threads, each kept busy
# What a current browser accepts; the shop compresses the partial accordingly.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"

LUA = """
local method, path, headers, bodies = %(method)s, %(path)s, %(headers)s, %(bodies)s
local prepared, next_one = {}, 0
function init(args)
  for i, body in ipairs(bodies) do prepared[i] = wrk.format(method, path, headers, body) end
end
function request()
  next_one = next_one %% #prepared + 1
  return prepared[next_one]
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
    """A Lua literal for strings, lists of strings and string tables (ASCII only)."""
    if isinstance(value, str):
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


def quote_requests(shop_url):
    """The quote partial's requests, signed with the CSRF token and session a page visit gives."""
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    with opener.open(f"{shop_url}/p/{PRODUCT}") as response:
        tokens = page_tokens(response.read().decode())
    session = "; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies)
    headers = QUOTE_HEADERS | {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": tokens["csrf_token"],
        "Cookie": session,
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    bodies = [urllib.parse.urlencode([*tokens.items(), *selection]) for selection in selections()]
    return {"method": "POST", "path": f"/p/{PRODUCT}", "headers": headers, "bodies": bodies}


def hello_requests():
    return {"method": "GET", "path": "/hello", "headers": {"Accept-Encoding": ACCEPT_ENCODING},
            "bodies": [""]}


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


def compare(running, workdir, rounds=3, seconds=8, warmup_seconds=2):
    """Quote partial vs bare Flask: each figure the median of `rounds` alternating runs.

    Beside wrk's throughput, the servers' own CPU time per request (from /proc): on a machine
    that other work shares, throughput moves with that work, CPU time per request much less.
    """
    targets = {"quote": (running["shop"], quote_requests(running["shop"])),
               "hello": (running["hello"], hello_requests())}
    pids = running["pids"]
    for name, (url, requests) in targets.items():
        wrk(url, requests, warmup_seconds, workdir / f"{name}.lua", pids[name])
    runs = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (url, requests) in targets.items():
            runs[name].append(wrk(url, requests, seconds, workdir / f"{name}.lua", pids[name]))
    figures = ("requests_per_second", "p50_ms", "p99_ms", "server_cpu_us_per_request")
    summary = {name: {key: statistics.median(run[key] for run in results) for key in figures}
               | {"failed": sum(run["failed"] for run in results), "runs": results}
               for name, results in runs.items()}
    pairs = list(zip(runs["quote"], runs["hello"]))
    summary["ratio"] = statistics.median(
        quote["requests_per_second"] / hello["requests_per_second"] for quote, hello in pairs)
    summary["cpu_ratio"] = statistics.median(
        hello["server_cpu_us_per_request"] / quote["server_cpu_us_per_request"]
        for quote, hello in pairs)
    summary["settings"] = {"connections": CONNECTIONS, "rounds": rounds, "seconds": seconds}
    return summary
