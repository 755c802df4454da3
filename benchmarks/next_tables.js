#!/usr/bin/env node
// A large table's sources through Next.js's own matcher, as resolve-routes loops over them, for
// comparison with benchmarks/bench_tables.py. stdin: {"phases": [[phase, [[source, sensitive,
// internal], ...]], ...], "requests": [pathname, ...], "repeat": n, "budget_s": s}; stdout: {"build_s",
// "median_us", "p99_us", "matches", "timed"}. After one untimed pass over the requests (V8 compiles
// each regex lazily), they are timed `repeat` times, stopping early (never before the first 50)
// once `budget_s` seconds of timing are spent. Each rule is built as filesystem.js `buildCustomRoute` builds it
// (`getPathMatch` with strict, removeUnnamedParams, `modifyRouteRegex` unless internal, the
// `/_next` guard for redirects); per request every header rule is tried and, in each other phase,
// rules are tried in order up to the first whose source matches (no has/missing, no chaining: a
// lower bound on what Next.js does per request). Needs the oracle install (../shared/oracle).
const path = require('path');
const NM = process.env.ORACLE_NODE_MODULES ||
  path.join(process.env.ORACLE_DIR || path.join(require('os').homedir(), '.cache', 'next-oracle'), 'node_modules');
const { getPathMatch } = require(path.join(NM, 'next/dist/shared/lib/router/utils/path-match'));
const { modifyRouteRegex } = require(path.join(NM, 'next/dist/lib/redirect-status'));
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const basePath = input.basePath || '';

const t0 = process.hrtime.bigint();
const phases = input.phases.map(([phase, rules]) => [phase, rules.map(([source, sensitive, internal]) =>
  getPathMatch(source, {
    strict: true,
    removeUnnamedParams: true,
    regexModifier: (regex) => internal ? regex
      : modifyRouteRegex(regex, phase === 'redirects' ? [basePath + '/_next'] : undefined),
    sensitive,
  }))]);
const buildS = Number(process.hrtime.bigint() - t0) / 1e9;

function route(pathname) {
  let matched = 0;
  for (const [phase, matchers] of phases) {
    for (const match of matchers) {
      if (match(pathname)) {
        matched++;
        if (phase !== 'headers') break;
      }
    }
  }
  return matched;
}

let matches = 0;
for (const p of input.requests) matches += route(p); // warm up (V8 compiles each regex lazily)
const times = [];
const budgetNs = BigInt(Math.round((input.budget_s || 1e9) * 1e9));
const started = process.hrtime.bigint();
timing: for (let r = 0; r < input.repeat; r++) {
  for (const p of input.requests) {
    const t = process.hrtime.bigint();
    route(p);
    const end = process.hrtime.bigint();
    times.push(Number(end - t) / 1e3);
    if (times.length >= 50 && end - started > budgetNs) break timing;
  }
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
process.stdout.write(JSON.stringify({ build_s: buildS, median_us: at(0.5), p99_us: at(0.99), matches,
  timed: times.length }));
