"""Large-table benchmarks: the index against a plain loop (and Next.js's matcher) at 1k-100k rules.

    python benchmarks/bench_tables.py            # prints a report, writes docs/performance.md
    python benchmarks/bench_tables.py --quick    # fewer requests and repetitions

Each size runs in a fresh process, so that its peak memory (the process's peak resident set size,
`resource.getrusage(RUSAGE_SELF).ru_maxrss`) is its own. Tables and requests come from
`benchmarks/tables.py` (fixed seeds). Every answer of the index is checked against the plain loop
over the same compiled rules; a difference stops the run.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import attrs  # noqa: E402  (after the path set-up above)

import rewrites  # noqa: E402
from benchmarks.tables import make_table, make_tenants  # noqa: E402
from rewrites._index import PlainIndex  # noqa: E402
from rewrites._rules import Phase  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
TENANTS = (1_000, 10_000)
DOC = ROOT / "docs" / "performance.md"


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


def plain(router: rewrites.Router) -> rewrites.Router:
    """The same router (same compiled rules) with a plain loop over each phase."""
    return attrs.evolve(router, indexes={p: PlainIndex(router.phase(p)) for p in Phase})


def timings_us(
    router: rewrites.Router, urls: list[str] | list[Request], repeat: int
) -> list[float]:
    """Microseconds per `resolve()`, every URL (or (URL, headers) request) `repeat` times."""
    gc.collect()
    out: list[float] = []
    clock = time.perf_counter_ns
    requests = [(u, None) if isinstance(u, str) else u for u in urls]
    for _ in range(repeat):
        for url, headers in requests:
            start = clock()
            with contextlib.suppress(rewrites.RequestError):
                router.resolve(url, headers)
            out.append((clock() - start) / 1000)
    return out


def summary(times: list[float]) -> dict[str, float]:
    """Median, p99 and mean (µs) and requests/s (from the mean) of per-request times."""
    ordered = sorted(times)
    mean = statistics.fmean(ordered)
    return {
        "median_us": statistics.median(ordered),
        "p99_us": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "mean_us": mean,
        "rps": 1e6 / mean,
    }


def measure(size: int, requests: int, repeat: int, baseline: int) -> dict[str, Any]:
    """Everything for one size (run in its own process)."""
    config, urls = make_table(size, requests)
    before_mb = peak_rss_mb()
    start = time.perf_counter()
    router = rewrites.Router.from_next_config(config)
    build_s = time.perf_counter() - start
    built_mb = peak_rss_mb()
    gc.disable()  # as Router.from_next_config builds them
    start = time.perf_counter()
    rewrites.Router(router.table)  # the indexes alone, over the same loaded table
    index_s = time.perf_counter() - start
    gc.enable()
    for url in urls:
        outcome(router, url)  # first use compiles the regexes it needs: outside the timing
    indexed = summary(timings_us(router, urls, repeat))
    peak_mb = peak_rss_mb()  # before the plain loop, which compiles nearly every regex
    loop = plain(router)
    sample = urls[:baseline]
    for url in sample:
        mine, theirs = outcome(router, url), outcome(loop, url)
        if mine != theirs:
            raise SystemExit(
                f"index and plain loop differ at {size} rules for {url!r}:\n"
                f"  index: {mine}\n  loop:  {theirs}"
            )
    looped = summary(timings_us(loop, sample, 1))
    stats = {p.value: router.indexes[p].stats() for p in Phase}
    return {
        "size": size,
        "rules": len(router.rules),
        "requests": len(urls),
        "checked": len(sample),
        "build_s": build_s,
        "index_s": index_s,
        "config_mb": before_mb,
        "built_mb": built_mb,
        "peak_mb": peak_mb,
        "loop_peak_mb": peak_rss_mb(),
        "index": indexed,
        "loop": looped,
        "always": sum(s["always"] for s in stats.values()),
        "phases": [
            [p.value, [[r.source, r.pattern.case_sensitive, r.internal] for r in router.phase(p)]]
            for p in Phase
        ],
        "urls": urls,
    }


def flatness(small: int, large: int, requests: int, rounds: int) -> dict[str, Any]:
    """Median µs per `resolve()` at two sizes, measured in one process in alternating rounds.

    Separate runs minutes apart see the shared machine at different loads; alternating rounds of
    the two request mixes make the ratio of the medians a like-for-like comparison.
    """
    routers = {}
    for size in (small, large):
        config, urls = make_table(size, requests)
        router = rewrites.Router.from_next_config(config)
        for url in urls:
            outcome(router, url)  # regexes compiled outside the timing
        routers[size] = (router, urls)
    times: dict[int, list[float]] = {size: [] for size in routers}
    for _ in range(rounds):
        for size, (router, urls) in routers.items():
            times[size] += timings_us(router, urls, 1)
    medians = {size: statistics.median(found) for size, found in times.items()}
    return {"small": small, "large": large, "medians": medians, "rounds": rounds}


def tenants(count: int, requests: int, repeat: int, baseline: int) -> dict[str, Any]:
    """A multi-tenant table (host-only rules) through the index and through the plain loop."""
    config, mix = make_tenants(count, requests)
    start = time.perf_counter()
    router = rewrites.Router.from_next_config(config)
    build_s = time.perf_counter() - start
    for url, headers in mix:
        outcome(router, url, headers)
    indexed = summary(timings_us(router, mix, repeat))
    loop = plain(router)
    sample = mix[:baseline]
    for url, headers in sample:
        if outcome(router, url, headers) != outcome(loop, url, headers):
            raise SystemExit(f"index and plain loop differ for {url!r} {headers}")
    looped = summary(timings_us(loop, sample, 1))
    return {
        "tenants": count,
        "rules": len(router.rules),
        "build_s": build_s,
        "index": indexed,
        "loop": looped,
        "checked": len(sample),
        "by_host": sum(router.indexes[p].stats()["by_host"] for p in Phase),
    }


def run_child(*args: object) -> dict[str, Any]:
    """`measure` (or, after "--flat" or "--tenants", that mode) in a fresh interpreter."""
    mode = [] if str(args[0]).startswith("--") else ["--child"]
    done = subprocess.run(
        [sys.executable, __file__, *mode, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr or done.stdout)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def next_js(result: dict[str, Any], repeat: int) -> dict[str, float] | None:
    """The same sources and requests through Next.js's matcher in Node (None without it)."""
    node = shutil.which("node")
    if node is None:
        return None
    # Like the plain loop, Next.js's loop is slow on big tables: it sees the same sample.
    paths = [url.split("?", 1)[0] for url in result["urls"][: result["checked"]]]
    repeat = repeat if result["checked"] == len(result["urls"]) else 1
    done = subprocess.run(
        [node, str(ROOT / "benchmarks" / "next_tables.js")],
        input=json.dumps({"phases": result["phases"], "requests": paths, "repeat": repeat}),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"(Next.js comparison skipped: {done.stderr.strip()[:200]})", file=sys.stderr)
        return None
    found: dict[str, float] = json.loads(done.stdout)
    return found


def report(
    results: list[dict[str, Any]],
    v8: dict[int, dict[str, float] | None],
    flat: dict[str, Any],
    hosts: list[dict[str, Any]],
) -> str:
    """The markdown section."""
    lines = [
        "## Large tables",
        "",
        "Generated tables (`benchmarks/tables.py`, fixed seeds): mostly literal migration "
        "redirects and rewrites, params behind literal prefixes, custom-regex params, catch-alls, "
        "a few root-level dynamic sources with lookaheads (always candidates) and some `has` "
        "conditions, over headers, redirects, beforeFiles, afterFiles and fallback. The request "
        "mix is 50% hits at every depth, 30% near misses, 10% case or trailing-slash variants and "
        "10% total misses. One `resolve()` per request, one thread, regexes already compiled. "
        "Re-run: `python benchmarks/bench_tables.py`.",
        "",
    ]
    lines += _table(
        [
            "rules",
            "build (s)",
            "of which indexes (s)",
            "peak RSS (MB)",
            "median (µs)",
            "p99 (µs)",
            "requests/s",
            "plain loop median (µs)",
            "plain loop requests/s",
            "speed-up",
        ],
        [
            [
                f"{r['rules']:,}",
                f"{r['build_s']:.2f}",
                f"{r['index_s']:.2f}",
                f"{r['peak_mb']:.0f}",
                f"{r['index']['median_us']:.1f}",
                f"{r['index']['p99_us']:.1f}",
                f"{r['index']['rps']:,.0f}",
                f"{r['loop']['median_us']:,.0f}",
                f"{r['loop']['rps']:,.1f}",
                _speed_up(r),
            ]
            for r in results
        ],
    )
    first, last = results[0], results[-1]
    apart = last["index"]["median_us"] / first["index"]["median_us"]
    small, large = (flat["medians"][str(flat[k])] for k in ("small", "large"))
    lines += [
        "",
        f"Flat: in one process, alternating {flat['rounds']} rounds of each request mix, the "
        f"median was {large:.1f} µs for the {flat['large']:,}-rule table against {small:.1f} µs "
        f"for the {flat['small']:,}-rule one, **{large / small:.2f}×** (goal: at most 1.5×). "
        f"Between the separate runs above, minutes apart on a shared machine, it is {apart:.2f}×.",
        "",
        "The speed-up compares throughput (from mean time per request) with the plain loop over "
        "the same compiled rules; every answer of the loop "
        f"({', '.join(str(r['checked']) for r in results)} requests per size) was checked "
        "equal to the index's. Peak RSS is the whole benchmark process's "
        "(`resource.getrusage(RUSAGE_SELF).ru_maxrss`, one fresh process per size) after building "
        "and timing the index: interpreter, generated config and requests "
        f"({', '.join(format(r['config_mb'], '.0f') for r in results)} MB before building), the "
        "router, and the regexes the request mix compiled. The plain loop then compiles nearly "
        "every rule's regex, which takes the process to "
        f"{', '.join(format(r['loop_peak_mb'], '.0f') for r in results)} MB. Always-candidate "
        f"rules per table (all phases): {', '.join(str(r['always']) for r in results)}.",
        "",
        "Building is mostly loading, not indexing: `load_table` validates every rule, parses "
        "each source and destination and checks everything that could fail later, so that every "
        "ConfigError (a destination that can never render included) is reported when the table "
        "loads. Sources made of whole segments (`/blog/:slug`, `/docs/:id(\\d+)`) are tokenized "
        "without the lexer, destinations the URL parser would not change skip it, and a "
        "source's JavaScript regex is written, translated and compiled only on the rule's first "
        "use (custom groups that are not valid on their own are checked at load); the cyclic "
        "garbage collector is paused during the build. "
        + build_verdict(last, v8.get(last["size"])),
    ]
    lines += [
        "",
        "Multi-tenant tables (`benchmarks/tables.py` `make_tenants`): per tenant a host-only "
        "catch-all (`/:path*` with a `has` host value, plain or escaped dots) and, for 60% of "
        "them, an `/api/:path*` rule: without the host index every catch-all (dynamic from its "
        "first segment) would be tried on every request, and every `/api` rule on every `/api` "
        "request. Requests carry a tenant's "
        "Host header (a fifth in upper case with a port) or, one in ten, an unknown host.",
        "",
    ]
    lines += _table(
        [
            "tenants",
            "rules",
            "build (s)",
            "median (µs)",
            "p99 (µs)",
            "plain loop median (µs)",
            "speed-up",
        ],
        [
            [
                f"{h['tenants']:,}",
                f"{h['rules']:,}",
                f"{h['build_s']:.2f}",
                f"{h['index']['median_us']:.1f}",
                f"{h['index']['p99_us']:.1f}",
                f"{h['loop']['median_us']:,.0f}",
                _speed_up(h),
            ]
            for h in hosts
        ],
    )
    lines += [
        "",
        f"Rules filed by host: {', '.join(format(h['by_host'], ',') for h in hosts)}; every "
        "answer of the loop "
        f"({', '.join(str(h['checked']) for h in hosts)} requests) was checked equal to the "
        "index's.",
    ]
    if any(v8.values()):
        lines += [
            "",
            "The same sources and request paths through Next.js's own matcher in Node "
            "(`getPathMatch` + `modifyRouteRegex`, built as `buildCustomRoute` does, tried in "
            "order per phase up to the first match, `has` and rewrite chains left out, so a "
            "lower bound on Next.js's cost per request; `benchmarks/next_tables.js`):",
            "",
        ]
        compared = [(r, t) for r in results if (t := v8.get(r["size"])) is not None]
        lines += _table(
            [
                "rules",
                "Next.js build (s)",
                "Next.js median (µs)",
                "Next.js p99 (µs)",
                "rewrites median (µs)",
                "Next.js / rewrites",
            ],
            [
                [
                    f"{r['rules']:,}",
                    f"{t['build_s']:.2f}",
                    f"{t['median_us']:,.1f}",
                    f"{t['p99_us']:,.1f}",
                    f"{r['index']['median_us']:.1f}",
                    f"{t['median_us'] / r['index']['median_us']:,.1f}×",
                ]
                for r, t in compared
            ],
        )
    wrapped = [
        line if not line or line.startswith(("|", "#")) else textwrap.fill(line, 100)
        for line in lines
    ]
    return "\n".join(wrapped) + "\n"


def _table(columns: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table's lines."""
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _speed_up(result: dict[str, Any]) -> str:
    """Throughput through the index over throughput through the plain loop."""
    return f"{result['index']['rps'] / result['loop']['rps']:,.0f}×"


def build_verdict(result: dict[str, Any], theirs: dict[str, Any] | None) -> str:
    """The largest build against the goal (100,000 rules in under 3 s), in words."""
    seconds = result["build_s"]
    text = f"The {result['rules']:,}-rule build took {seconds:.2f} s in this run"
    if result["size"] >= 100_000:
        text += " (goal: under 3 s: " + ("met" if seconds < 3 else "**not met**") + ")"
    if theirs is not None:
        text += f"; Next.js builds the same matchers in {theirs['build_s']:.2f} s, checking less"
    return text + "."


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


def main(argv: list[str] | None = None) -> str:
    """Run every size and return the report (also printed and written to the docs)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer requests and repetitions")
    parser.add_argument("--child", nargs=4, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--flat", nargs=4, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tenants", nargs=4, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="only print the report")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(*args.child)))
        return ""
    if args.flat:
        print(json.dumps(flatness(*args.flat)))
        return ""
    if args.tenants:
        print(json.dumps(tenants(*args.tenants)))
        return ""
    requests, repeat = (500, 3) if args.quick else (2_000, 5)
    results, v8 = [], {}
    for size in SIZES:
        # The plain loop is slow on big tables: it sees fewer requests there.
        baseline = requests if size <= 10_000 else requests // 4
        result = run_child(size, requests, repeat, baseline)
        results.append(result)
        v8[size] = next_js(result, repeat)
        print(f"{size:>7,} rules done", file=sys.stderr)
    flat = run_child("--flat", SIZES[0], SIZES[-1], requests, 2 * repeat)
    print("interleaved flatness done", file=sys.stderr)
    hosts = [run_child("--tenants", n, requests, repeat, requests // 4) for n in TENANTS]
    print("multi-tenant tables done", file=sys.stderr)
    section = report(results, v8, flat, hosts)
    print(section)
    if not args.no_write:
        write_section(section)
    return section


if __name__ == "__main__":
    main()
