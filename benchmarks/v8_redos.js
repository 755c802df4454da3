#!/usr/bin/env node
// The ReDoS shapes through Next.js's own matcher (vendored path-to-regexp 6.3.0 + modifyRouteRegex),
// for comparison with benchmarks/bench_patterns.py. stdin: [[name, source, [paths]], ...];
// stdout: {name: worst median ms}. Needs the oracle install (../shared/oracle/setup.sh).
const path = require('path');
const NM = process.env.ORACLE_NODE_MODULES ||
  path.join(process.env.ORACLE_DIR || path.join(require('os').homedir(), '.cache', 'next-oracle'), 'node_modules');
const p2r = require(path.join(NM, 'next/dist/compiled/path-to-regexp'));
const { modifyRouteRegex } = require(path.join(NM, 'next/dist/lib/redirect-status'));
const [shapes, repeat] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
for (const [name, source, paths] of shapes) {
  const base = p2r.pathToRegexp(source, [], { strict: true, sensitive: false, delimiter: '/' });
  const re = new RegExp(modifyRouteRegex(base.source), base.flags);
  let worst = 0;
  for (const p of paths) {
    const runs = [];
    for (let i = 0; i < repeat; i++) {
      const t = process.hrtime.bigint();
      re.exec(p);
      runs.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    runs.sort((a, b) => a - b);
    worst = Math.max(worst, runs[Math.floor(runs.length / 2)]);
  }
  out[name] = worst;
}
process.stdout.write(JSON.stringify(out));
