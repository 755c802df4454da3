"""`rewrites diff` on large inputs: distinct requests per second, and a log end to end.

    python benchmarks/bench_diff.py                                 # 100k-rule pair, 1M lines
    python benchmarks/bench_diff.py --rules 10000 --lines 100000    # a quick run
    python benchmarks/bench_diff.py --keep DIR                      # keep the tables and log

The old table is `benchmarks/tables.py`'s 2% parameter-led table; the new one is a migration of
it (`migrate`): 1% of the redirects removed, 1% of the afterFiles rewrites moved to fallback,
another 1% sent to a new upstream, and 200 new beforeFiles rewrites. The log is nginx's combined
format, gzip-compressed: each line's request drawn from a pool of the table's request paths
(hits, near misses, other cases, misses; a fifth with a query string) with Zipf weights
(s = 1), so that about a tenth of the lines are distinct, as in real traffic.

Measured: building both routers; `diff()` on a sample of distinct requests in one process and
with `--jobs` processes (forked, and started by forkserver, which unpickles the routers);
reading the log alone; and `rewrites diff OLD NEW --access-log LOG` end to end in a fresh
process, as a user runs it. Before and after, a calibration: how much faster `--jobs`
processes do pure-Python work than one right now (on a shared machine, other tenants' load caps
what any figure with processes can show). Prints the markdown tables for docs/performance.md's
"## Diff".
"""

from __future__ import annotations

import argparse
import copy
import gzip
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import rewrites  # noqa: E402
from benchmarks.tables import make_config, make_requests  # noqa: E402
from rewrites.diff import Reads, diff, read_access_logs  # noqa: E402

AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36",
    "curl/8.5.0",
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
)


def migrate(config: dict[str, Any], seed: int = 11) -> dict[str, Any]:
    """The new table: the old one with a migration's edits (see the module docstring)."""
    rng = random.Random(seed)
    new = copy.deepcopy(config)
    redirects = new["redirects"]
    for at in sorted(rng.sample(range(len(redirects)), len(redirects) // 100), reverse=True):
        del redirects[at]
    after, fallback = new["rewrites"]["afterFiles"], new["rewrites"]["fallback"]
    moved = sorted(rng.sample(range(len(after)), len(after) // 100), reverse=True)
    fallback[:0] = [after.pop(at) for at in moved]
    for rule in rng.sample(after, len(after) // 100):
        rule["destination"] = rule["destination"].replace("upstream.", "upstream-v2.")
    new["rewrites"]["beforeFiles"][:0] = [
        {"source": f"/launch/page-{n}", "destination": f"https://launch.example.com/{n}"}
        for n in range(200)
    ]
    return new


def write_log(path: Path, pool: list[str], lines: int, seed: int = 5) -> None:
    """A gzip-compressed combined-format log of `lines` requests drawn from `pool` (Zipf)."""
    rng = random.Random(seed)
    rng.shuffle(pool)
    cum = list(itertools.accumulate(1 / rank for rank in range(1, len(pool) + 1)))
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=3) as out:
        for start in range(0, lines, 100_000):
            batch = rng.choices(pool, cum_weights=cum, k=min(100_000, lines - start))
            out.writelines(
                f"10.0.{n % 250}.{n % 200} - - [14/May/2026:10:{n % 60:02d}:00 +0000] "
                f'"GET {target} HTTP/1.1" 200 {512 + n % 4096} "-" "{AGENTS[n % 4]}"\n'
                for n, target in enumerate(batch, start)
            )


def _burn(n: int) -> int:
    """Pure-Python work for the calibration."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def free_cores(jobs: int) -> float:
    """How much faster `jobs` processes do pure-Python work than one, right now: on a shared
    machine, the speed-up any figure with processes can show."""
    import concurrent.futures
    import multiprocessing

    work = [2_000_000] * (4 * jobs)
    start = time.perf_counter()
    for n in work:
        _burn(n)
    serial = time.perf_counter() - start
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(jobs, context) as pool:
        start = time.perf_counter()
        list(pool.map(_burn, work))
        parallel = time.perf_counter() - start
    return serial / parallel


def request_pool(maker: Any, size: int, seed: int = 3) -> list[str]:
    """`size` distinct request targets: the table's request paths, a fifth with a query."""
    rng = random.Random(seed)
    paths = dict.fromkeys(make_requests(maker, size * 2, seed))
    pool = []
    for path in paths:
        if rng.random() < 0.2:
            path += f"?utm_source=news&page={rng.randrange(5)}"
        pool.append(path)
    return list(dict.fromkeys(pool))[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--pool", type=int, default=150_000, help="distinct requests to draw from")
    parser.add_argument("--sample", type=int, default=20_000, help="distinct requests timed")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="write the tables and the log here")
    args = parser.parse_args()

    print(f"pure-Python speed-up with {args.jobs} processes now: {free_cores(args.jobs):.2f}x")
    where = args.keep or Path(tempfile.mkdtemp(prefix="bench_diff_"))
    where.mkdir(parents=True, exist_ok=True)
    config, maker = make_config(args.rules)
    new_config = migrate(config)
    old_file, new_file, log = where / "old.json", where / "new.json", where / "access.log.gz"
    old_file.write_text(json.dumps(config))
    new_file.write_text(json.dumps(new_config))
    pool = request_pool(maker, args.pool)
    start = time.perf_counter()
    write_log(log, pool, args.lines)
    write_s = time.perf_counter() - start
    print(f"log: {args.lines:,} lines, {log.stat().st_size / 1e6:.1f} MB ({write_s:.1f} s)")

    def fresh() -> tuple[rewrites.Router, rewrites.Router]:
        """Both routers, newly built: every measurement starts cold, as a run of diff does."""
        return rewrites.Router.from_next_config(config), rewrites.Router.from_next_config(
            new_config
        )

    start = time.perf_counter()
    old, new = fresh()
    build_s = time.perf_counter() - start
    rules = len(old.rules), len(new.rules)
    print(f"routers: {rules[0]:,} and {rules[1]:,} rules, both built in {build_s:.2f} s")

    start = time.perf_counter()
    traffic = read_access_logs([str(log)], Reads.of(old, new))
    read_s = time.perf_counter() - start
    distinct = len(traffic.counts)
    print(f"read: {traffic.lines:,} lines, {distinct:,} distinct, {read_s:.2f} s")

    rng = random.Random(1)
    ordered = sorted(traffic.counts.items(), key=lambda item: item[0].url)
    sample = dict(rng.sample(ordered, min(args.sample, len(ordered))))
    rows: list[tuple[str, str]] = []
    reports = []
    for label, jobs, method in [
        ("one process", 1, None),
        (f"{args.jobs} processes (fork)", args.jobs, "fork"),
        (f"{args.jobs} processes (forkserver)", args.jobs, "forkserver"),
    ]:
        if reports:
            old, new = fresh()
        start = time.perf_counter()
        reports.append(diff(old, new, sample, jobs=jobs, start_method=method))
        rate = len(sample) / (time.perf_counter() - start)
        rows.append((label, f"{rate:,.0f}"))
        print(f"{label}: {rate:,.0f} distinct/s ({reports[-1].changed_distinct:,} changed)")
    assert all(report == reports[0] for report in reports), "the reports differ"
    del old, new, reports

    ends: list[tuple[str, float]] = []
    for jobs in (1, args.jobs):
        command = [sys.executable, "-m", "rewrites", "diff", str(old_file), str(new_file)]
        command += ["--access-log", str(log), "--json", "--jobs", str(jobs)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"rewrites diff failed ({done.returncode}): {done.stderr}")
        report = json.loads(done.stdout)
        ends.append((f"--jobs {jobs}", seconds))
        print(
            f"end to end --jobs {jobs}: {seconds:.1f} s; {report['changed']:,} requests "
            f"({report['changed_distinct']:,} distinct) changed in {len(report['groups'])} groups"
        )

    print()
    print(f"load average at the end: {', '.join(f'{n:.1f}' for n in os.getloadavg())}")
    print(
        f"pure-Python speed-up with {args.jobs} processes at the end: {free_cores(args.jobs):.2f}x"
    )
    print(f"| {rules[0]:,}-rule tables, {len(sample):,} distinct requests | distinct requests/s |")
    print("|---|---|")
    for label, rate in rows:
        print(f"| {label} | {rate} |")
    print()
    print(f"| {args.lines:,}-line log ({distinct:,} distinct), end to end | seconds |")
    print("|---|---|")
    for label, seconds in ends:
        print(f"| `rewrites diff ... {label}` | {seconds:.1f} |")
    if not args.keep:
        for path in (old_file, new_file, log):
            path.unlink()
        where.rmdir()


if __name__ == "__main__":
    main()
