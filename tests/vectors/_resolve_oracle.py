"""Running ../shared/oracle/resolve.js for the vector generators (gen_destinations, gen_router,
gen_i18n, gen_middleware), and the command line those share (`generate`)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any


def run_oracle(oracle: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    payload = {"config": entry["config"], "routes": entry["routes"], "requests": entry["requests"]}
    for key in ("public_files", "data_routes", "middleware"):
        if key in entry:  # the oracle's optional inputs (gen_i18n, gen_middleware)
            payload[key] = entry[key]
    proc = subprocess.run(
        ["node", str(oracle / "resolve.js")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(lines) != len(entry["requests"]):
        raise SystemExit(
            f"oracle gave {len(lines)} answers for {len(entry['requests'])} requests "
            f"in config {entry['name']!r} (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    for r, line in zip(entry["requests"], lines, strict=True):
        if line.get("url") != r["url"]:
            raise SystemExit(f"oracle answer out of order in {entry['name']!r}: {line}")
    return lines


def run_all(oracle: Path, configs: list[dict[str, Any]]) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda e: run_oracle(oracle, e), configs))
    for entry, res in zip(configs, results, strict=True):
        entry["results"] = res


def summarize(doc: dict[str, Any]) -> str:
    kinds: Counter[str] = Counter()
    setup = 0
    for c in doc["configs"]:
        for r in c["results"]:
            kinds[r["kind"]] += 1
            setup += bool(r.get("setup_error"))
    n = sum(kinds.values())
    parts = [
        f"{k}={kinds[k]} ({100 * kinds[k] / n:.1f}%)"
        for k in ("local", "proxied", "redirect", "not_found", "error")
    ]
    return (
        f"{doc['generator']}: {len(doc['configs'])} configs, {n} requests; "
        + ", ".join(parts)
        + f"; setup_error={setup}"
    )


REPO_ROOT = Path(__file__).resolve().parents[2]
ORACLE_NAME = "next@16.4.6 resolve.js"


def generate(
    doc: str,
    generator: str,
    out_name: str,
    configs: Callable[[], list[dict[str, Any]]],
    argv: list[str] | None = None,
    fails: Callable[[str], bool] = lambda name: name.startswith("invalid-"),
) -> int:
    """A generator's command line: `--oracle`, `--out`; every config run through the oracle,
    a warning for each whose setup failed or not against what `fails` says of its name (by
    default, `invalid-...` must fail), then the vectors written and summarized."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument(
        "--oracle",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "oracle",
        help="directory holding resolve.js (default: <repo>/../shared/oracle)",
    )
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / out_name)
    args = ap.parse_args(argv)
    built = configs()
    names = [c["name"] for c in built]
    assert len(names) == len(set(names)), "config names must be unique"
    run_all(args.oracle, built)
    for c in built:
        failed = any(r.get("setup_error") for r in c["results"])
        if failed != fails(c["name"]):
            print(
                f"warning: config {c['name']!r} setup_error={failed}: "
                f"{c['results'][0].get('error', '')[:300]}",
                file=sys.stderr,
            )
    vectors = {"generator": generator, "oracle": ORACLE_NAME, "configs": built}
    write(vectors, args.out)
    print(summarize(vectors))
    return 0


def write(doc: dict[str, Any], out: Path) -> None:
    text = json.dumps(doc, indent=1, ensure_ascii=True, sort_keys=True) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="ascii")
    print(f"wrote {out} ({len(text) / 1e6:.2f} MB)")
