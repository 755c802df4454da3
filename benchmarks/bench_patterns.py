"""Pattern benchmarks: ReDoS worst cases per advisory shape, and compile cost per source.

    python benchmarks/bench_patterns.py            # prints a report
    python benchmarks/bench_patterns.py --quick    # fewer repetitions

Times are medians over repeated runs on this (shared, noisy) machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import rewrites  # noqa: E402  (after the path set-up above)
from rewrites._regexp import to_js_regex  # noqa: E402
from rewrites._syntax import parse  # noqa: E402
from tests.cases import REDOS_SHAPES  # noqa: E402

WORDS = ["api", "blog", "docs", "shop", "users", "v1", "v2", "old", "new", "en", "fr", "help"]


def varied_sources(count: int, seed: int = 2026) -> list[str]:
    """Sources shaped like real tables: literals, params, custom groups, catch-alls, braces."""
    rng = random.Random(seed)
    shapes = [
        lambda: "/" + "/".join(rng.choice(WORDS) + str(rng.randrange(1000)) for _ in range(3)),
        lambda: f"/{rng.choice(WORDS)}/:slug",
        lambda: f"/{rng.choice(WORDS)}/{rng.choice(WORDS)}/:path*",
        lambda: f"/{rng.choice(WORDS)}/:id(\\d+)",
        lambda: f"/{rng.choice(WORDS)}/:path((?!auth(?:/|$)).*)",
        lambda: f"/:locale(en|fr|de)/{rng.choice(WORDS)}/:rest*",
        lambda: f"/{rng.choice(WORDS)}/:name.:ext",
        lambda: f"/{rng.choice(WORDS)}{{-:variant}}?/:page+",
        lambda: f"/{rng.choice(WORDS)}/((?!internal).*)",
    ]
    weights = [50, 12, 10, 6, 4, 4, 5, 5, 4]
    return [rng.choices(shapes, weights)[0]() for _ in range(count)]


def median_cpu_ms(func: object, repeat: int) -> float:
    """Median CPU time of `func()` in milliseconds (a `TimeoutError` is a finished run)."""
    assert callable(func)
    runs = []
    for _ in range(repeat):
        start = time.process_time()
        with contextlib.suppress(TimeoutError):
            func()
        runs.append((time.process_time() - start) * 1000)
    return statistics.median(runs)


def median_us(func: object, repeat: int) -> float:
    """Median wall time of `func()` in microseconds."""
    assert callable(func)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append((time.perf_counter() - start) * 1e6)
    return statistics.median(runs)


def redos(repeat: int) -> list[tuple[str, str, float, bool]]:
    """Per shape: the worst median CPU time (ms) over its hostile paths through the router's
    matcher (`Pattern.match` with the default time bound), and whether a path hit the bound
    (`Router.resolve` then fails the request with a RequestError naming the rule)."""
    rows = []
    for name, source, paths in REDOS_SHAPES:
        pattern = rewrites.compile(source).as_route()
        pattern.regex  # noqa: B018  (compile outside the timing)
        bounded = False
        for path in paths:
            try:
                pattern.match(path)
            except TimeoutError:
                bounded = True
        worst = max(median_cpu_ms(lambda p=path, q=pattern: q.match(p), repeat) for path in paths)
        rows.append((name, source, worst, bounded))
    return rows


def redos_v8(repeat: int, timeout: float = 120) -> dict[str, float] | None:
    """The same shapes through Next.js's matcher in Node (None when Node or the oracle is missing).

    A shape whose V8 run does not finish within `timeout` is reported as infinite.
    """
    node = shutil.which("node")
    if node is None:
        return None
    out: dict[str, float] = {}
    for shape in REDOS_SHAPES:
        try:
            done = subprocess.run(
                [node, str(ROOT / "benchmarks" / "v8_redos.js")],
                input=json.dumps([[shape], repeat]),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            out[shape[0]] = float("inf")
            continue
        if done.returncode != 0:
            return None
        out.update(json.loads(done.stdout))
    return out


def compile_cost(count: int, repeat: int) -> dict[str, float]:
    """Microseconds per source: parsing, then building the regex (JS source, translation).

    Distinct sources only (`compile` keeps a small cache, which repeated sources would hit).
    """
    sources = list(dict.fromkeys(varied_sources(count * 2)))[:count]

    def parse_all() -> None:
        for s in sources:
            parse(s)

    def compile_all() -> None:
        for s in sources:
            rewrites.compile(s)

    def build_all() -> None:
        for s in sources:
            tokens = parse(s)
            to_js_regex(tokens, s)
        for p in patterns:
            attrs.evolve(p).regex  # noqa: B018  (a copy has none of the lazily built regexes)

    patterns = [rewrites.compile(s) for s in sources]
    return {
        "parse": median_us(parse_all, repeat) / count,
        "compile() (parse and checks; no regex built yet)": median_us(compile_all, repeat) / count,
        "build regex (JS source, translation, regex.compile)": median_us(build_all, repeat) / count,
    }


def main(argv: list[str] | None = None) -> str:
    """Run both benchmarks and return the report (also printed)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 7
    lines = [
        "## Patterns",
        "",
        "ReDoS shapes, worst median match time over 8 KiB hostile paths (CPU time; a path keeps "
        "the source's literal end):",
        "",
    ]
    v8 = redos_v8(repeat)
    lines += ["| shape | source | rewrites (ms) | Next.js in V8 (ms) |", "|---|---|---|---|"]
    for name, source, ms, bounded in redos(repeat):
        if v8 is None:
            theirs = "n/a"
        else:
            theirs = f"{v8[name]:.3f}" if v8[name] < float("inf") else "> 120 s"
        ours = f"{ms:.3f}" + (" (bound: RequestError)" if bounded else "")
        lines.append(f"| {name} | `{source}` | {ours} | {theirs} |")
    lines += [
        "",
        "Compile cost on 10,000 distinct varied sources (µs per source, median of runs):",
        "",
    ]
    lines += ["| step | µs/source |", "|---|---|"]
    for step, us in compile_cost(10_000, 3 if args.quick else 5).items():
        lines.append(f"| {step} | {us:.1f} |")
    report = "\n".join(lines)
    print(report)
    return report


if __name__ == "__main__":
    main()
