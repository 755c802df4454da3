"""Large-table benchmarks: the index against a plain loop, Next.js's matcher and werkzeug.

    python benchmarks/bench_tables.py                        # every mix at 1k, 10k and 100k rules
    python benchmarks/bench_tables.py --quick --no-write     # fewer requests, shorter budgets
    python benchmarks/bench_tables.py --sizes 1000,10000 --mixes 2%,locale --no-write
    python benchmarks/bench_tables.py --save run.json        # keep the figures ...
    python benchmarks/bench_tables.py --load run.json        # ... and report (and chart) them again

Mixes (`benchmarks/tables.py` `MIXES`): tables with 2%, 10% and 30% parameter-led rules, and one
whose every rule starts with `/:locale/`. Per mix and size, in one fresh process (so that its
peak memory, `resource.getrusage(RUSAGE_SELF).ru_maxrss`, is its own): the build, `resolve()`
per request (median, p99), the candidates the index let through per request (counted from
`explain()`), the rules with no literal at all, then the same table through a plain loop over every
rule (each answer checked equal to the index's; a difference stops the run) and through werkzeug's
`StateMachineMatcher` (`benchmarks/werkzeug_peer.py`, the rules it can express). Next.js's own
matcher runs in Node on the same sources and paths (`benchmarks/next_tables.js`, with the oracle's
install of Next.js). Flatness (largest/smallest size) is measured per mix in one process, the two
tables' requests alternating chunk by chunk. Slow engines are cut off by a time budget per
measurement (`--budget`), never before a minimum number of requests; the report says how many each
one timed. Writes the "## Large tables" section of docs/performance.md and the chart
docs/performance-resolve.svg (`--no-write` only prints; `--chart PATH` writes the chart anyway).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import inspect
import io
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote

ROOT = Path(__file__).resolve().parent.parent
#: The `rewrites` sources measured: this tree's, or a snapshot of a commit (`--at`).
SRC = Path(os.environ.get("REWRITES_BENCH_SRC") or ROOT / "src")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(SRC))

import attrs  # noqa: E402  (after the path set-up above)

import rewrites  # noqa: E402
from benchmarks.tables import (  # noqa: E402
    MIX_LABELS,
    MIXES,
    literal_free,
    make_tenants,
    parameter_led,
)

SIZES = (1_000, 10_000, 100_000)
TENANTS = (1_000, 10_000)
DOC = ROOT / "docs" / "performance.md"
CHART = ROOT / "docs" / "performance-resolve.svg"
#: Engines, as the report and the chart name them.
ENGINES = {
    "ours": "rewrites (index)",
    "next": "Next.js matcher (Node)",
    "werkzeug": "werkzeug StateMachineMatcher",
    "loop": "plain loop",
}
#: Fewest requests any timing keeps, however slow the engine.
MIN_TIMED = 50
#: The size the ratios against the other engines are taken at.
RATIO_SIZE = 10_000

T = TypeVar("T")


#: What a browser sends with a page request (no header or cookie a rule of these tables needs).
BROWSER_HEADERS = {
    "host": "www.example.com",
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;"
    "q=0.8",
    "accept-language": "en-US,en;q=0.9",
    "accept-encoding": "gzip, deflate, br, zstd",
    "cookie": "session=4f2a9c1e; theme=dark; _ga=GA1.2.1234567890.1733097600",
    "sec-fetch-mode": "navigate",
    "upgrade-insecure-requests": "1",
    "connection": "keep-alive",
}


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: A request: the URL, and its headers (None for none).
Request = tuple[str, "dict[str, str] | None"]


def outcome(router: rewrites.Router, url: str, headers: dict[str, str] | None = None) -> object:
    """The resolution, or the RequestError's status and message."""
    try:
        return router.resolve(url, headers)
    except rewrites.RequestError as exc:
        return ("error", exc.status, str(exc))


def resolve(router: rewrites.Router) -> Callable[[Request], object]:
    """`router.resolve` for a request, a RequestError being an answer too."""

    def run(request: Request) -> object:
        # try/except as werkzeug's peer has it: `contextlib.suppress` would add its own 0.3 µs.
        try:
            return router.resolve(*request)
        except rewrites.RequestError:
            return None

    return run


def plain_loop(router: rewrites.Router, config: dict[str, Any]) -> rewrites.Router:
    """A router over the same table with a plain loop over each phase (no index)."""
    if "indexed" in inspect.signature(rewrites.Router.from_next_config).parameters:
        return rewrites.Router.from_next_config(config, indexed=False)  # type: ignore[call-arg]
    from rewrites._index import PlainIndex  # the layout before Router grew `indexed`
    from rewrites._rules import Phase

    return attrs.evolve(router, indexes={p: PlainIndex(router.phase(p)) for p in Phase})


def timed(
    run: Callable[[T], object],
    items: Sequence[T],
    repeat: int,
    budget_s: float,
    before: Callable[[T], object] | None = None,
    collect: bool = True,
) -> list[float]:
    """Microseconds per `run(item)`, over `items` `repeat` times in order, stopping once
    `budget_s` seconds are spent (never before MIN_TIMED items). `before` runs untimed just before
    each item's first timing (the plain loop's answer check); `collect` runs the cyclic garbage
    collector first."""
    if collect:
        gc.collect()
    out: list[float] = []
    clock = time.perf_counter_ns
    deadline = clock() + int(budget_s * 1e9)
    for turn in range(repeat):
        for item in items:
            if turn == 0 and before is not None:
                before(item)
            start = clock()
            run(item)
            end = clock()
            out.append((end - start) / 1000)
            if end > deadline and len(out) >= MIN_TIMED:
                return out
    return out


def warmed(run: Callable[[T], object], items: Sequence[T], budget_s: float) -> Sequence[T]:
    """Run every item once, untimed (regexes compile on first use), all before any timing so
    that no timing follows its own request's warm-up; returns the items warmed within the budget
    (never fewer than MIN_TIMED)."""
    deadline = time.perf_counter() + budget_s
    for done, item in enumerate(items, 1):
        run(item)
        if done >= MIN_TIMED and time.perf_counter() > deadline:
            return items[:done]
    return items


def summary(times: Sequence[float]) -> dict[str, float]:
    """Median, p99 and mean (µs) of per-request times, and how many there were."""
    ordered = sorted(times)
    return {
        "median_us": statistics.median(ordered),
        "p99_us": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "mean_us": statistics.fmean(ordered),
        "timed": len(ordered),
    }


def prefix_median(times: Sequence[float], count: int, first: int) -> float:
    """The median of `times` (item by item over `count` items, pass after pass) over the first
    `first` items only: our figure on exactly the requests a slower engine timed."""
    return statistics.median(t for at, t in enumerate(times) if at % count < first)


def tried(explanation: rewrites.Explanation) -> int:
    """How many rules' sources a resolution tried (the candidates the index let through)."""
    exercised = getattr(explanation, "exercised", None)
    if exercised is not None:
        return len(exercised())
    # Before Explanation.exercised(): every trial leaves a step naming its rule.
    return len(
        {id(s.rule) for s in explanation.steps if s.rule is not None and str(s.phase) != "why"}
    )


def candidates(router: rewrites.Router, urls: Sequence[str], budget_s: float) -> dict[str, float]:
    """Rules tried per request (from `explain()`), over the first requests the budget allows."""
    counts: list[int] = []
    deadline = time.perf_counter() + budget_s
    for url in urls:
        with contextlib.suppress(rewrites.RequestError):
            counts.append(tried(router.explain(url)))
        if time.perf_counter() > deadline and len(counts) >= MIN_TIMED:
            break
    return {
        "mean": statistics.fmean(counts),
        "median": statistics.median(counts),
        "max": max(counts),
        "requests": len(counts),
    }


def index_stats(router: rewrites.Router) -> dict[str, int] | None:
    """The index's own counts (always-candidates, ...), summed over phases, if it has them."""
    indexes = getattr(router, "indexes", None)
    if not indexes:
        return None
    total: dict[str, int] = {}
    for index in indexes.values():
        stats = getattr(index, "stats", None)
        if stats is None:
            return None
        for key, value in stats().items():
            total[key] = (
                total.get(key, 0) + value if key != "depth" else max(total.get(key, 0), value)
            )
    return total


def encoded(url: str) -> str:
    """A request's pathname as Next.js matches it: percent-encoded (`é` → `%C3%A9`)."""
    return quote(url.split("?", 1)[0], safe="/:@!$&'()*+,;=-._~%")


def measure(mix: str, size: int, requests: int, repeat: int, budget: float) -> dict[str, Any]:
    """Everything for one mix and size but Next.js's matcher (run in its own process)."""
    config, urls = MIXES[mix](size, requests)
    before_mb = peak_rss_mb()
    start = time.perf_counter()
    router = rewrites.Router.from_next_config(config)
    build_s = time.perf_counter() - start
    built_mb = peak_rss_mb()
    index_s = None
    with contextlib.suppress(TypeError):  # the indexes alone, over the same loaded table
        gc.disable()  # as Router.from_next_config builds them
        start = time.perf_counter()
        type(router)(router.table)
        index_s = time.perf_counter() - start
    gc.enable()
    requests_ = [(url, None) for url in urls]
    run = resolve(router)
    warm = warmed(run, requests_, budget)  # all of them, unless the budget ran out
    ours = timed(run, warm, repeat, budget)
    # The same requests as a browser sends them: real traffic always carries headers.
    browsed = timed(run, [(url, BROWSER_HEADERS) for url, _ in warm], repeat, budget)
    peak_mb = peak_rss_mb()  # before the plain loop, which compiles nearly every regex
    tries = candidates(router, urls, budget / 4)
    rules = router.rules
    result: dict[str, Any] = {
        "mix": mix,
        "size": size,
        "rules": len(rules),
        "parameter_led": sum(parameter_led(r.pattern) for r in rules),
        "literal_free": sum(literal_free(r.pattern) for r in rules),
        "index_stats": index_stats(router),
        "requests": len(urls),
        "build_s": build_s,
        "index_s": index_s,
        "config_mb": before_mb,
        "built_mb": built_mb,
        "peak_mb": peak_mb,
        "ours": summary(ours),
        "ours_headers": summary(browsed),
        "candidates": tries,
    }
    # The plain loop, each answer checked against the index's just before it is timed.
    loop = plain_loop(router, config)

    def check(request: Request, loop: rewrites.Router = loop) -> None:
        mine, theirs = outcome(router, request[0]), outcome(loop, request[0])
        if mine != theirs:
            raise SystemExit(
                f"index and plain loop differ on {MIX_LABELS[mix]} at {size} rules for "
                f"{request[0]!r}:\n  index: {mine}\n  loop:  {theirs}"
            )

    looped = timed(resolve(loop), requests_, 1, budget, before=check)
    result["loop"] = summary(looped) | {
        "ours_median_us": prefix_median(ours, len(warm), len(looped))
    }
    result["loop_peak_mb"] = peak_rss_mb()
    # Next.js's loop is as slow as the plain loop on big tables: it gets the same requests (at
    # least 200), run by the parent process.
    count = max(len(looped), min(200, len(urls)))
    result["next_sample"] = {
        "requests": count,
        "ours_median_us": prefix_median(ours, len(warm), count),
    }
    del check, loop  # its memory, before werkzeug's map
    result["werkzeug"] = werkzeug(router, urls[: len(warm)], ours, repeat, budget)
    result["phases"] = [
        [name, [[r.source, r.pattern.case_sensitive, r.built_in] for r in router.phase(name)]]
        for name in ("headers", "redirects", "beforeFiles", "afterFiles", "fallback")
    ]
    result["urls"] = urls
    return result


def werkzeug(
    router: rewrites.Router, urls: list[str], ours: list[float], repeat: int, budget: float
) -> dict[str, Any] | None:
    """The table through werkzeug's StateMachineMatcher (None without werkzeug).

    werkzeug's matcher calls `re.compile` on a dynamic transition's regex each time it tries it,
    and Python's regex cache holds 512: past that many distinct transitions tried per request
    (suffix rules such as `/<path:p>/amp-42`), every match compiles them again. It is timed as
    users get it, and again with the cache made unbounded (`re._MAXCACHE`), so that a report can
    compare with the faster of the two.
    """
    try:
        from benchmarks.werkzeug_peer import werkzeug_map
    except ImportError:
        return None
    start = time.perf_counter()
    peer = werkzeug_map(router.rules)
    build_s = time.perf_counter() - start
    paths = [unquote(url.split("?", 1)[0]) for url in urls]  # werkzeug matches decoded paths
    times = timed(peer.match, warmed(peer.match, paths, budget), repeat, budget)
    cache = re._MAXCACHE  # type: ignore[attr-defined]
    re._MAXCACHE = 1 << 30  # type: ignore[attr-defined]
    try:
        unbounded = timed(peer.match, warmed(peer.match, paths, budget), repeat, budget)
    finally:
        re._MAXCACHE = cache  # type: ignore[attr-defined]
        re.purge()
    return summary(times) | {
        "build_s": build_s,
        "rules": peer.rules,
        "converted": peer.converted,
        "left_out": peer.left_out,
        "ours_median_us": prefix_median(ours, len(paths), min(len(times), len(paths))),
        "unbounded": summary(unbounded)
        | {"ours_median_us": prefix_median(ours, len(paths), min(len(unbounded), len(paths)))},
    }


def flatness(
    mix: str, small: int, large: int, requests: int, rounds: int, budget: float
) -> dict[str, Any]:
    """Median µs per `resolve()` at two sizes of a mix, measured in one process, alternating.

    Separate runs minutes apart see the shared machine at different loads; alternating chunks
    of the two request mixes make the ratio of the medians a like-for-like comparison. Every
    request is resolved once untimed (compiling the regexes it needs) before any timing.
    """
    tables = {}
    for size in (small, large):
        config, urls = MIXES[mix](size, requests)
        run = resolve(rewrites.Router.from_next_config(config))
        tables[size] = (run, warmed(run, [(url, None) for url in urls], budget / 4))
    requests = min(len(urls) for _, urls in tables.values())
    times: dict[int, list[float]] = {size: [] for size in tables}
    chunk = 100
    deadline = time.perf_counter() + budget
    gc.collect()
    for _ in range(rounds):
        for at in range(0, requests, chunk):
            for size, (run, urls) in tables.items():
                times[size] += timed(run, urls[at : at + chunk], 1, 1e9, collect=False)
            if time.perf_counter() > deadline:
                break
        else:
            continue
        break
    medians = {size: statistics.median(found) for size, found in times.items()}
    return {
        "mix": mix,
        "small": small,
        "large": large,
        "medians": medians,
        "ratio": medians[large] / medians[small],
        "timed": len(times[small]),
    }


def fixed_cost(count: int) -> dict[str, float]:
    """Median µs of `resolve()` on an empty router, and on a one-rule table with two routes."""
    empty = rewrites.Router.from_next_config({})
    one = rewrites.Router.from_next_config(
        {
            "rewrites": [
                {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
            ]
        },
        routes=["/", "/blog/[slug]"],
    )
    cases = {
        "empty /x": (empty, "/x"),
        "one rule: / (a page)": (one, "/"),
        "one rule: /blog/hello (a dynamic page)": (one, "/blog/hello"),
        "one rule: /api/a/b (proxied)": (one, "/api/a/b"),
        "one rule: /x (not found)": (one, "/x"),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(10):  # interleaved rounds, as flatness does
        for name, (router, url) in cases.items():
            times[name] += timed(resolve(router), [(url, None)], count // 10, 1e9)
    return {name: statistics.median(found) for name, found in times.items()}


def tenants(count: int, requests: int, repeat: int, budget: float) -> dict[str, Any]:
    """A multi-tenant table (host-only rules) through the index and through the plain loop."""
    config, mix = make_tenants(count, requests)
    start = time.perf_counter()
    router = rewrites.Router.from_next_config(config)
    build_s = time.perf_counter() - start
    run = resolve(router)
    warm = warmed(run, mix, budget)
    indexed = timed(run, warm, repeat, budget)
    loop = plain_loop(router, config)

    def check(request: Request) -> None:
        if outcome(router, *request) != outcome(loop, *request):
            raise SystemExit(f"index and plain loop differ for {request}")

    looped = timed(resolve(loop), mix, 1, budget, before=check)
    stats = index_stats(router)
    return {
        "tenants": count,
        "rules": len(router.rules),
        "build_s": build_s,
        "ours": summary(indexed),
        "loop": summary(looped)
        | {"ours_median_us": prefix_median(indexed, len(warm), len(looped))},
        "by_host": stats.get("by_host") if stats else None,
    }


def run_child(mode: str, **spec: Any) -> dict[str, Any]:
    """One measurement (`mode` is a function of this module) in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps({"mode": mode, **spec})],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"REWRITES_BENCH_SRC": str(SRC)},
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr or done.stdout)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def snapshot(rev: str, into: Path) -> tuple[Path, str]:
    """The `src/` of commit `rev`, extracted under `into` (other engineers' edits to the working
    tree during a long run then change nothing), and the commit's full id."""
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    if not commit:
        raise SystemExit(f"got --at {rev!r}; expected a commit of {ROOT}")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit, "src"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src", commit


def measured_code() -> str:
    """Which `rewrites` a run measures, in words: a commit, or the working tree (at which commit,
    and whether src/ had uncommitted changes)."""
    if SRC != ROOT / "src":
        return f"commit {os.environ.get('REWRITES_BENCH_COMMIT', '?')[:10]}"
    head = _git("rev-parse", "HEAD")[:10]
    dirty = _git("status", "--porcelain", "--", "src")
    return f"the working tree at {head}" + (" with uncommitted changes in src/" if dirty else "")


def _git(*args: str) -> str:
    """A git command's output in this repository ("" when git fails)."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


CHILDREN: dict[str, Callable[..., Any]] = {
    "measure": measure,
    "flatness": flatness,
    "fixed_cost": fixed_cost,
    "tenants": tenants,
}


def next_js(result: dict[str, Any], repeat: int, budget: float) -> dict[str, Any] | None:
    """The same sources and request paths through Next.js's matcher in Node (None without it)."""
    node = shutil.which("node")
    if node is None:
        return None
    count = result["next_sample"]["requests"]
    paths = [encoded(url) for url in result["urls"][:count]]
    done = subprocess.run(
        [node, str(ROOT / "benchmarks" / "next_tables.js")],
        input=json.dumps(
            {"phases": result["phases"], "requests": paths, "repeat": repeat, "budget_s": budget}
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"(Next.js comparison skipped: {done.stderr.strip()[:200]})", file=sys.stderr)
        return None
    found: dict[str, Any] = json.loads(done.stdout)
    return found | {"ours_median_us": result["next_sample"]["ours_median_us"]}


# --- the report --------------------------------------------------------------------------------


def _table(columns: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table's lines."""
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _us(value: float | None) -> str:
    """Microseconds for a table cell."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _times(value: float | None, goal: float | None = None, at_least: bool = True) -> str:
    """A ratio for a table cell, in bold when it misses its goal."""
    if value is None:
        return "–"
    text = f"{value:,.0f}×" if value >= 100 else f"{value:.2f}×" if value < 10 else f"{value:.1f}×"
    missed = goal is not None and (value < goal if at_least else value > goal)
    return f"**{text}**" if missed else text


def _fixed(name: str, value: float) -> str:
    """A fixed-cost figure, bold when over its goal (3 µs empty, 6 µs with one rule)."""
    text = f"{value:.1f}"
    return f"**{text}**" if float(text) > (3.0 if name.startswith("empty") else 6.0) else text


def _werkzeug_cell(wz: dict[str, Any] | None) -> str:
    """werkzeug's median against ours, as users get it and with an unbounded regex cache."""
    if wz is None:
        return "–"
    text = f"{_us(wz['median_us'])} vs {_us(wz['ours_median_us'])} ({wz['timed']:,})"
    big = wz.get("unbounded")
    if big is not None:
        text += f"; {_us(big['median_us'])} vs {_us(big['ours_median_us'])} ({big['timed']:,})"
    return text


def ratios(data: dict[str, Any], mix: str) -> dict[str, float | None]:
    """Per mix: flatness, and how many times faster than each engine at RATIO_SIZE."""
    at = {r["size"]: r for r in data["results"] if r["mix"] == mix}
    size = RATIO_SIZE if RATIO_SIZE in at else max(at)
    result = at[size]
    flat = data["flat"].get(mix)
    loop, wz, node = result["loop"], result.get("werkzeug"), result.get("next")
    return {
        "size": size,
        "flat": flat["ratio"] if flat else None,
        "loop": loop["median_us"] / loop["ours_median_us"],
        "next": node["median_us"] / node["ours_median_us"] if node else None,
        "werkzeug": min(
            w["median_us"] / w["ours_median_us"] for w in (wz, wz.get("unbounded") or wz)
        )
        if wz
        else None,
    }


def report(data: dict[str, Any], chart: str | None) -> str:
    """The markdown section."""
    results = data["results"]
    mixes = list(dict.fromkeys(r["mix"] for r in results))
    sizes = sorted({r["size"] for r in results})
    lines = [
        "## Large tables",
        "",
        "Generated tables (`benchmarks/tables.py`, fixed seeds): literal migration redirects and "
        "rewrites, params behind literal prefixes, custom-regex params, catch-alls, root-level "
        "sources with lookaheads and some `has` conditions, over headers, redirects, beforeFiles, "
        "afterFiles and fallback; and a share of parameter-led rules that grows with the table "
        "(locale-prefixed moves `/:locale(en|fr|de)/old-page-12`, tenant and region prefixes "
        "`/:tenant/docs/page-9`, `/:region/store/s4/:id`, optional leading params "
        "`/:lang?/pricing-7`, suffix rules `/(.*)/amp-42`, `/:path*/index-7.html`, mixed-case and "
        "non-ASCII literals). The worst case, *all /:locale/*, is a table whose every rule starts "
        "with `/:locale/` (`/:locale/page-12`, `/:locale/blog/post-3/:slug`, ...). Requests: 50% "
        "hits (each rule as likely as another), 30% near misses, 10% case or trailing-slash "
        "variants, 10% total misses. One `resolve()` per request, one thread, each request "
        "resolved once untimed first (regexes compile on first use). Measured: "
        f"{data.get('code', 'unknown code')}. Re-run: `python benchmarks/bench_tables.py` "
        "(`--at HEAD` measures a snapshot of a commit, whatever the working tree does meanwhile).",
        "",
    ]
    if chart:
        lines += [f"![Median resolve against table size, per mix and engine]({chart})", ""]
    lines += _table(
        [
            "mix",
            "rules",
            "parameter-led",
            "no literal",
            "always-candidates",
            "behind a header or cookie",
            "build (s)",
            "peak RSS (MB)",
            "median (µs)",
            "p99 (µs)",
            "median with browser headers (µs)",
            "candidates tried / request (mean, max)",
        ],
        [
            [
                MIX_LABELS[r["mix"]],
                f"{r['rules']:,}",
                f"{r['parameter_led']:,}",
                f"{r['literal_free']:,}",
                f"{r['index_stats']['always']:,}" if r.get("index_stats") else "–",
                f"{r['index_stats'].get('by_request', 0):,}" if r.get("index_stats") else "–",
                f"{r['build_s']:.2f}",
                f"{r['peak_mb']:.0f}",
                _us(r["ours"]["median_us"]),
                _us(r["ours"]["p99_us"]),
                _us(r["ours_headers"]["median_us"]) if r.get("ours_headers") else "–",
                f"{r['candidates']['mean']:,.1f}, {r['candidates']['max']:,}",
            ]
            for r in results
        ],
    )
    lines += [
        "",
        "*No literal*: rules whose source has no literal every matching path must contain (no "
        "whole literal segment, no required param that is a finite alternation such as "
        "`(en|fr|de)`, no literal tail), such as `/:path*` and `/((?!api/|_next/).*)`: they are "
        "candidates for every path whatever an index does. *Always-candidates*: the rules the "
        "index itself tries on every path whatever the request sends (`PhaseIndex.stats()`, all "
        "phases). *Behind a header or cookie*: rules filed under a header or cookie their `has` "
        "needs (here every rule with a `has` header or cookie condition, the literal-free "
        "`/((?!api/|_next/).*)` rules behind `x-legacy-client` among them), tried only for "
        "requests that send it; these requests send none. *With browser headers*: the same "
        "requests carrying the nine headers a browser sends with a page (`BROWSER_HEADERS`: "
        "host, user agent, accept, a cookie none of these rules needs, ...), which real traffic "
        "always has; the other engines' figures are without them. "
        "*Candidates tried*: rules whose source a resolution tried (`Explanation.exercised()`), "
        "over the "
        f"first {min(r['candidates']['requests'] for r in results):,} or more requests of each "
        "table. On a shared machine a p99 of a few milliseconds is mostly the scheduler giving "
        "the core to another process for a time slice; the medians are the figures to compare.",
        "",
        "The same tables through the other engines (medians in µs, and how many timings each "
        "engine made; *rewrites* is our median on exactly the requests that engine timed, which "
        "for slow engines is the first ones its time budget allowed):",
        "",
    ]
    peer_rows = []
    for r in results:
        loop, wz, node = r["loop"], r.get("werkzeug"), r.get("next")
        peer_rows.append(
            [
                MIX_LABELS[r["mix"]],
                f"{r['rules']:,}",
                f"{_us(loop['median_us'])} vs {_us(loop['ours_median_us'])} ({loop['timed']:,})",
                f"{_us(node['median_us'])} vs {_us(node['ours_median_us'])} ({node['timed']:,})"
                if node
                else "–",
                f"{node['build_s']:.2f}" if node else "–",
                _werkzeug_cell(wz),
                f"{wz['converted']:,} ({wz['left_out']:,})" if wz else "–",
                f"{wz['build_s']:.2f}" if wz else "–",
            ]
        )
    lines += _table(
        [
            "mix",
            "rules",
            "plain loop vs rewrites",
            "Next.js matcher vs rewrites",
            "Next.js build (s)",
            "werkzeug `match()` vs rewrites; with an unbounded regex cache",
            "werkzeug rules (left out)",
            "werkzeug build (s)",
        ],
        peer_rows,
    )
    lines += [
        "",
        "The plain loop is the same table loaded with `indexed=False`, which tries every rule "
        "of a phase in order; every one of its answers was checked equal to the index's. "
        "Next.js's matcher is `getPathMatch` + `modifyRouteRegex`, built as `buildCustomRoute` "
        "does, tried in order per phase up to the first match, `has` and rewrite chains left "
        "out: a lower bound on Next.js's cost per request (`benchmarks/next_tables.js`). "
        "werkzeug is one `Map` of every rule it can express (`benchmarks/werkzeug_peer.py`), "
        "one `match()` per request on the decoded path: its bare match against our whole "
        "pipeline. It leaves out rules with `has` or `missing` conditions and custom regexes "
        "other than `\\d+`, `.*` and alternations of "
        "words (lookaheads included), and it always matches case-sensitively. Its matcher "
        "calls `re.compile` on each dynamic transition it tries, and Python's regex cache holds "
        "512: with more distinct transitions tried per request (suffix rules such as "
        "`/<path:p>/amp-42`), every match compiles them again. It is timed as users get it and "
        "again with the cache unbounded (`re._MAXCACHE`); the goals compare with the faster.",
        "",
    ]
    if data["flat"]:
        small, large = sizes[0], sizes[-1]
        lines += [
            f"Against the goals (flat: the {large:,}-rule median over the {small:,}-rule one, in "
            "one process, the two tables' requests alternating chunk by chunk; the others at "
            f"{RATIO_SIZE:,} rules, median against median on the same requests; bold: goal "
            "missed):",
            "",
        ]
    goal_rows = []
    for mix in mixes:
        found = ratios(data, mix)
        flat = data["flat"].get(mix)
        goal_rows.append(
            [
                MIX_LABELS[mix],
                _times(found["flat"], 1.5, at_least=False)
                + (f" ({flat['timed']:,} timings each)" if flat else ""),
                _times(found["loop"], 100),
                _times(found["next"], 100),
                _times(found["werkzeug"], 1),
            ]
        )
    lines += _table(
        [
            "mix",
            "flat (goal ≤ 1.5×)",
            "× plain loop (goal ≥ 100×)",
            "× Next.js matcher (goal ≥ 100×)",
            "× werkzeug (goal ≥ 1×)",
        ],
        goal_rows,
    )
    fixed = data.get("fixed")
    if fixed:
        lines += [
            "",
            "Fixed cost (median µs per `resolve()`, interleaved rounds; bold: over its goal): "
            + "; ".join(f"{name}: {_fixed(name, value)}" for name, value in fixed.items())
            + " (goals: empty ≤ 3 µs, one rule with routes ≤ 6 µs).",
        ]
    hosts = data.get("tenants") or []
    if hosts:
        lines += [
            "",
            "Multi-tenant tables (`benchmarks/tables.py` `make_tenants`): per tenant a host-only "
            "catch-all (`/:path*` with a `has` host value, plain or escaped dots) and, for 60% of "
            "them, an `/api/:path*` rule. Requests carry a tenant's Host header (a fifth in upper "
            "case with a port) or, one in ten, an unknown host.",
            "",
        ]
        lines += _table(
            ["tenants", "rules", "build (s)", "median (µs)", "p99 (µs)", "plain loop vs rewrites"],
            [
                [
                    f"{h['tenants']:,}",
                    f"{h['rules']:,}",
                    f"{h['build_s']:.2f}",
                    _us(h["ours"]["median_us"]),
                    _us(h["ours"]["p99_us"]),
                    f"{_us(h['loop']['median_us'])} vs {_us(h['loop']['ours_median_us'])} "
                    f"({h['loop']['timed']:,})",
                ]
                for h in hosts
            ],
        )
    wrapped = [
        line if not line or line.startswith(("|", "#", "!")) else textwrap.fill(line, 100)
        for line in lines
    ]
    return "\n".join(wrapped) + "\n"


def write_chart(data: dict[str, Any], path: Path) -> bool:
    """Median resolve against table size (log-log), one line per engine, one panel per mix, as
    SVG (or as `path`'s suffix says); False without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        print("(chart skipped: matplotlib is not installed)", file=sys.stderr)
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "rewrites"  # stable ids: the SVG only changes with the figures
    results = data["results"]
    mixes = list(dict.fromkeys(r["mix"] for r in results))
    figure, axes = plt.subplots(
        1, len(mixes), figsize=(3.4 * len(mixes), 3.6), sharey=True, squeeze=False
    )
    styles = {"ours": "o-", "next": "s--", "werkzeug": "^-.", "loop": "x:"}
    colors = {"ours": "tab:blue", "next": "tab:orange", "werkzeug": "tab:green", "loop": "tab:red"}
    for ax, mix in zip(axes[0], mixes, strict=True):
        rows = sorted((r for r in results if r["mix"] == mix), key=lambda r: r["size"])
        for engine, label in ENGINES.items():
            points = [
                (r["rules"], (r[engine] or {}).get("median_us"))
                for r in rows
                if r.get(engine) is not None
            ]
            if points:
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, styles[engine], color=colors[engine], label=label, markersize=4)
        points = [
            (r["rules"], r["werkzeug"]["unbounded"]["median_us"])
            for r in rows
            if r.get("werkzeug") and r["werkzeug"].get("unbounded")
        ]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(
                xs,
                ys,
                "^:",
                color="tab:green",
                alpha=0.5,
                markersize=3,
                linewidth=1,
                label="werkzeug, unbounded regex cache",
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(MIX_LABELS[mix], fontsize=10)
        ax.set_xlabel("rules")
        ax.grid(True, which="major", linewidth=0.4, alpha=0.5)
    axes[0][0].set_ylabel("median resolve / match (µs)")
    legend: dict[str, Any] = {}  # every panel's lines, once per label
    for ax in axes[0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    figure.legend(
        list(legend.values()),
        list(legend),
        loc="lower center",
        ncol=len(legend),
        fontsize=8,
        frameon=False,
    )
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".svg":
        figure.savefig(path, format="svg", metadata={"Date": None})  # no date: a stable file
    else:
        figure.savefig(path, dpi=110)  # another format, by its suffix (for a look)
    plt.close(figure)
    return True


def write_section(section: str, doc: Path = DOC) -> None:
    """Put `section` into the doc, in place of an existing "## Large tables" section."""
    text = doc.read_text("utf-8")
    found = re.search(r"^## Large tables\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    if found:
        text = text[: found.start()] + section + ("\n" if found.end() < len(text) else "")
        text += doc.read_text("utf-8")[found.end() :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    doc.write_text(text, "utf-8")


def _csv(kind: Callable[[str], T]) -> Callable[[str], list[T]]:
    """An argparse type for comma-separated values."""
    return lambda text: [kind(part) for part in text.split(",") if part]


def _mix(name: str) -> str:
    """A mix name, checked."""
    if name not in MIXES:
        raise argparse.ArgumentTypeError(f"got {name!r}; expected one of {', '.join(MIXES)}")
    return name


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement, each in its own process."""
    requests, repeat = (500, 2) if args.quick else (2_000, 5)
    budget = args.budget if args.budget is not None else (6.0 if args.quick else 20.0)
    data: dict[str, Any] = {
        "code": measured_code(),
        "results": [],
        "flat": {},
        "fixed": None,
        "tenants": [],
    }
    for mix in args.mixes:
        for size in args.sizes:
            result = run_child(
                "measure", mix=mix, size=size, requests=requests, repeat=repeat, budget=budget
            )
            result["next"] = next_js(result, repeat, budget)
            del result["phases"], result["urls"]
            data["results"].append(result)
            print(f"{MIX_LABELS[mix]}, {size:>7,} rules done", file=sys.stderr)
        if len(args.sizes) > 1:
            small, large = min(args.sizes), max(args.sizes)
            data["flat"][mix] = run_child(
                "flatness",
                mix=mix,
                small=small,
                large=large,
                requests=requests,
                rounds=2 * repeat,
                budget=2 * budget,
            )
            print(f"{MIX_LABELS[mix]}: interleaved flatness done", file=sys.stderr)
    data["fixed"] = run_child("fixed_cost", count=5_000 if args.quick else 20_000)
    if not args.no_tenants:
        data["tenants"] = [
            run_child("tenants", count=n, requests=requests, repeat=repeat, budget=budget)
            for n in TENANTS
        ]
        print("multi-tenant tables done", file=sys.stderr)
    return data


def main(argv: list[str] | None = None) -> str:
    """Run (or load) the measurements; print the report, and write it and the chart."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer requests, shorter budgets")
    parser.add_argument(
        "--sizes", type=_csv(int), default=list(SIZES), help="table sizes (1000,10000,100000)"
    )
    parser.add_argument(
        "--mixes",
        type=_csv(_mix),
        default=list(MIXES),
        help=f"mixes ({','.join(MIXES)})".replace("%", "%%"),
    )
    parser.add_argument(
        "--budget", type=float, help="seconds per timing before a slow engine is cut off"
    )
    parser.add_argument("--no-tenants", action="store_true", help="skip the multi-tenant tables")
    parser.add_argument("--no-write", action="store_true", help="only print the report")
    parser.add_argument("--chart", type=Path, help=f"write the chart here (default {CHART})")
    parser.add_argument("--save", type=Path, help="save the measurements as JSON")
    parser.add_argument("--load", type=Path, help="report saved measurements instead of running")
    parser.add_argument(
        "--at", metavar="REV", help="measure this commit's src/ (a snapshot), not the working tree"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(CHILDREN[spec.pop("mode")](**spec)))
        return ""
    if args.load:
        data = json.loads(args.load.read_text("utf-8"))
    elif args.at:
        global SRC
        with tempfile.TemporaryDirectory(prefix="bench-tables-") as into:
            SRC, commit = snapshot(args.at, Path(into))
            os.environ["REWRITES_BENCH_COMMIT"] = commit
            data = run(args)
    else:
        data = run(args)
    if args.save:
        args.save.write_text(json.dumps(data, indent=1), "utf-8")
    chart = args.chart or (None if args.no_write else CHART)
    drawn = chart is not None and write_chart(data, chart)
    section = report(data, "performance-resolve.svg" if drawn or not args.no_write else None)
    print(section)
    if not args.no_write:
        write_section(section)
    return section


if __name__ == "__main__":
    main()
