#!/usr/bin/env node
// V8's refusals of regexes it cannot compile, measured: for each shape, the shortest
// `new RegExp('^' + value + '$')` that fails on its first `exec` (V8 parses when the RegExp is
// made, but compiles on first use: "Stack overflow", "Regular expression too large"), as
// Next.js's `matchHas` builds a `has` value's regex. Each shape is measured at the top of the
// stack and under 200 extra frames (Next.js runs it deep in a request handler; the compiler's
// recursion shares the JS stack, so the limit drops a little). Prints JSON; the smallest length
// is `_conditions.V8_MAX_VALUE` (see docs/security.md).
//
//     node tools/v8_regex_limits.js            # about a minute
'use strict';

function refusal(source) {
  try {
    new RegExp(source).exec('x'.repeat(20));
    return null;
  } catch (err) {
    return String(err.message).replace(/^Invalid regular expression: \/[\s\S]*\/: /, '');
  }
}

function deep(frames, f) {
  return frames === 0 ? f() : deep(frames - 1, f);
}

// The smallest n in [1, hi] whose regex fails, by bisection (null when hi does not fail).
function smallest(make, hi, frames) {
  if (deep(frames, () => refusal(make(hi))) === null) return null;
  let lo = 0;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (deep(frames, () => refusal(make(mid))) === null) lo = mid;
    else hi = mid;
  }
  const source = make(hi);
  return { count: hi, length: source.length, error: deep(frames, () => refusal(source)) };
}

const SHAPES = {
  'a?': (n) => 'a?'.repeat(n),
  'a*': (n) => 'a*'.repeat(n),
  '(?:a)': (n) => '(?:a)'.repeat(n),
  '(?=a)': (n) => '(?=a)'.repeat(n),
  '(a)': (n) => '(a)'.repeat(n),
  '(': (n) => '('.repeat(n) + 'a' + ')'.repeat(n),
  '.*?': (n) => '.*?'.repeat(n),
  '[a]': (n) => '[a]'.repeat(n),
  a: (n) => 'a'.repeat(n),
  '(?:a|b)': (n) => '(?:a|b)'.repeat(n),
  '\\d+': (n) => '\\d+'.repeat(n),
};

const out = { node: process.version, v8: process.versions.v8, shapes: {} };
for (const [name, make] of Object.entries(SHAPES)) {
  const value = (n) => '^' + make(n) + '$';
  out.shapes[name] = { top: smallest(value, 1 << 16, 0), deep: smallest(value, 1 << 16, 200) };
}
const lengths = Object.values(out.shapes)
  .flatMap((s) => [s.top, s.deep])
  .filter(Boolean)
  .map((r) => r.length);
out.shortest = Math.min(...lengths);
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
