#!/usr/bin/env python3
"""Generate ``url.json``: Node 20's answers for the URL machinery ported in ``rewrites._url``.

Re-run from the repository root (needs ``node`` on PATH and the Next.js oracle install for the
``parseUrl`` based ``url.format`` cases; everything else is plain Node)::

    python3 tests/vectors/gen_url.py            # writes tests/vectors/url.json
    NEXT_DIR=/path/to/node_modules/next python3 tests/vectors/gen_url.py

Deterministic: the random cases come from ``random.Random`` with fixed seeds, and Node is run
exactly once (the whole case list goes to its stdin as JSON, the answers come back on stdout).

Sections of the output file:

* ``url``: ``new URL(input, base)`` -> ``{protocol, username, password, hostname, port, pathname,
  search, hash, href, origin}`` or ``{"error": code}`` (hand-picked + random, absolute and
  relative, odd characters, dot segments, ports, IPv4/IPv6, userinfo, IDNA, Next placeholders).
* ``search_params``: ``[...new URLSearchParams(s)]`` plus Next's ``searchParamsToUrlQuery`` result
  (key order, inherited-property quirks: functions/objects as ``null``, numbers as strings).
* ``stringify``: ``querystring.stringify(obj, undefined, undefined, {encodeURIComponent})`` with the
  default escape, a wrapping custom encoder, and Next's ``stringifyQuery`` encoder.
* ``uri``: ``encodeURIComponent`` / ``decodeURIComponent`` / ``querystring.escape`` results or
  errors.
* ``format``: legacy ``url.format(obj)`` on Next-style parsed URL objects (random, and built with
  Next's own ``parseUrl`` + the redirect/proxy mutations of resolve-routes/proxy-request).

Non-finite numbers travel as ``{"$num": "NaN" | "Infinity" | "-Infinity"}``; ``undefined`` as
``{"$undef": true}``.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "url.json"
NEXT_DIR = os.environ.get("NEXT_DIR", str(Path.home() / ".cache/next-oracle/node_modules/next"))

NODE_SCRIPT = r"""
const qs = require('querystring');
const url = require('url');
const path = require('path');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
let parseUrl = null;
try { parseUrl = require(path.join(cases.nextDir, 'dist/shared/lib/router/utils/parse-url.js')).parseUrl; } catch (e) {}
const FIELDS = ['protocol','username','password','hostname','port','pathname','search','hash','href','origin'];
function revive(v) {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if ('$num' in v) return Number(v.$num);
    if ('$undef' in v) return undefined;
    const o = {}; for (const k of Object.keys(v)) o[k] = revive(v[k]); return o;
  }
  if (Array.isArray(v)) return v.map(revive);
  return v;
}
function sp2q(sp) {
  const query = {};
  for (const [key, value] of sp.entries()) {
    const existing = query[key];
    if (typeof existing === 'undefined') query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}
function plain(v) {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return null;
}
function attempt(f) { try { return {ok: f()}; } catch (e) { return {error: e.code || e.name, message: e.message}; } }
function nextEncoder(initialQuery) {
  const initialQueryValues = Object.values(initialQuery);
  return function (value) {
    if (value in initialQuery || initialQueryValues.some((v) => Array.isArray(v) ? v.includes(value) : v === value)) {
      return encodeURIComponent(value);
    }
    return value;
  };
}
const out = {url: [], search_params: [], stringify: [], uri: [], format: []};
for (const c of cases.url) {
  const r = attempt(() => { const u = c.base === null ? new URL(c.input) : new URL(c.input, c.base); const o = {}; for (const f of FIELDS) o[f] = u[f]; return o; });
  out.url.push({input: c.input, base: c.base, ...(r.error ? {error: r.error} : {result: r.ok})});
}
for (const s of cases.search_params) {
  const sp = new URLSearchParams(s);
  const q = sp2q(new URLSearchParams(s));
  const keys = Object.keys(q);
  const obj = keys.map((k) => [k, Array.isArray(q[k]) ? q[k].map(plain) : plain(q[k])]);
  out.search_params.push({input: s, entries: [...sp], query: obj, stringified: qs.stringify(q)});
}
for (const c of cases.stringify) {
  const obj = revive(c.obj);
  let opts;
  if (c.encoder === 'wrap') opts = {encodeURIComponent: (s) => '<' + encodeURIComponent(s) + '>'};
  else if (c.encoder === 'next') opts = {encodeURIComponent: nextEncoder(revive(c.initial))};
  else if (c.encoder === 'escape') opts = {encodeURIComponent: qs.escape};
  const r = attempt(() => qs.stringify(obj, undefined, undefined, opts));
  out.stringify.push({...c, ...(r.error ? {error: r.error} : {result: r.ok})});
}
for (const s of cases.uri) {
  const rec = {input: s};
  for (const [name, f] of [['encode', encodeURIComponent], ['decode', decodeURIComponent], ['escape', qs.escape]]) {
    const r = attempt(() => f(s));
    rec[name] = r.error ? {error: r.message} : {result: r.ok};
  }
  out.uri.push(rec);
}
function formatCase(obj, origin) {
  const r = attempt(() => url.format(obj));
  const clean = {};
  for (const k of ['protocol','slashes','auth','host','hostname','port','pathname','search','query','hash']) {
    if (obj[k] !== undefined) clean[k] = obj[k];
  }
  out.format.push({obj: clean, origin, ...(r.error ? {error: r.error} : {result: r.ok})});
}
for (const o of cases.format) formatCase(revive(o), 'random');
for (const c of cases.next_format) {
  if (!parseUrl) break;
  let parsed;
  try { parsed = parseUrl(c.dest); } catch (e) { continue; }
  if (c.mode === 'redirect' || c.mode === 'proxy') {
    const query = {...parsed.query, ...revive(c.extra)};
    delete parsed.query;
    parsed.search = qs.stringify(query, undefined, undefined, {encodeURIComponent: nextEncoder(revive(c.initial))});
    if (c.mode === 'redirect') {
      const p = parsed.pathname.split('?');
      parsed.pathname = p[0].replace(/\\/g, '/').replace(/\/\/+/g, '/') + (p[1] ? `?${p.slice(1).join('?')}` : '');
    }
  }
  formatCase(parsed, 'next:' + c.mode + ':' + c.dest);
}
process.stdout.write(JSON.stringify(out));
"""

# ------------------------------------------------------------------------------------------
# URL cases
# ------------------------------------------------------------------------------------------

HAND_URLS: list[tuple[str, str | None]] = [
    ("https://:sub.example.com/:path*", None),
    ("https://__ESC_COLON_sub.example.com/__ESC_COLON_path*", None),
    ("http://localhost:3001/api/$1/:path*", None),
    ("http://localhost:3001/api/:path*", None),
    ("https://ext.example.com/:slug?via=:slug#:hash", None),
    ("http://0x7f.1/", None),
    ("http://0x7F.0x1/", None),
    ("http://0300.0250.0.1/", None),
    ("http://4294967295/", None),
    ("http://4294967296/", None),
    ("http://1.2.3/", None),
    ("http://1.2.3.4./", None),
    ("http://1.2.3.4.5/", None),
    ("http://256.0.0.1/", None),
    ("http://1.256/", None),
    ("http://1.16777216/", None),
    ("http://0x/", None),
    ("http://0x.0x./", None),
    ("http://09/", None),
    ("http://08.1/", None),
    ("http://a.09/", None),
    ("http://a.0x1g/", None),
    ("http://foo.0x/", None),
    ("http://1.2.3.4.foo/", None),
    ("http://foo.1.2/", None),
    ("http://./", None),
    ("http://../", None),
    ("http://[::1]/", None),
    ("http://[::1]:8080/", None),
    ("http://[0:0:0:0:0:0:0:1]/", None),
    ("http://[1:0:0:2:0:0:0:3]/", None),
    ("http://[1:0:0:2:0:0:3:4]/", None),
    ("http://[0:0:1:0:0:0:0:0]/", None),
    ("http://[1:2:3:4:5:6:7:8]/", None),
    ("http://[1:2:3:4:5:6:7:8:9]/", None),
    ("http://[::ffff:1.2.3.4]/", None),
    ("http://[::ffff:1.2.3.04]/", None),
    ("http://[::ffff:1.2.3]/", None),
    ("http://[::ffff:1.2.3.256]/", None),
    ("http://[::1.2.3.4]/", None),
    ("http://[1::2::3]/", None),
    ("http://[:1]/", None),
    ("http://[1:]/", None),
    ("http://[::]/", None),
    ("http://[ABCD::EF]/", None),
    ("http://[12345::]/", None),
    ("http://[::1/", None),
    ("http://::1]/", None),
    ("http://[::1]x/", None),
    ("foo://[::1]/", None),
    ("foo://[::1/", None),
    ("http://example.com:80/", None),
    ("https://example.com:443/", None),
    ("https://example.com:80/", None),
    ("ws://example.com:80/", None),
    ("wss://example.com:443/", None),
    ("ftp://example.com:21/", None),
    ("foo://example.com:80/", None),
    ("http://example.com:0080/", None),
    ("http://example.com:65535/", None),
    ("http://example.com:65536/", None),
    ("http://example.com:/", None),
    ("http://example.com:8a/", None),
    ("http://example.com: 80/", None),
    ("http://:80/", None),
    ("http://user:pass@example.com/", None),
    ("http://user@example.com/", None),
    ("http://:pass@example.com/", None),
    ("http://:@example.com/", None),
    ("http://@example.com/", None),
    ("http://a@b@c/", None),
    ("http://a:b:c@d/", None),
    ('http://a b:c"d<e>@host/', None),
    ("http://%zz@host/", None),
    ("http://ü:ß@host/", None),
    ("http://@/", None),
    ("http://user@/", None),
    ("http:///x", None),
    ("http:x", None),
    ("http:/x", None),
    ("http:\\\\x\\y", None),
    ("http://x\\y\\..\\z", None),
    ("foo://x\\y\\..\\z", None),
    ("http://EXAMPLE.COM/A/B", None),
    ("HTTP://EX%41MPLE.com/", None),
    ("http://ex%2eample.com/", None),
    ("http://ex%2Fample.com/", None),
    ("http://ex%20ample.com/", None),
    ("http://ex%zzample.com/", None),
    ("http://a%00b/", None),
    ("http://a%ff/", None),
    ("http://exa mple.com/", None),
    ("http://exa^mple.com/", None),
    ("http://exa|mple.com/", None),
    ("http://exa<mple.com/", None),
    ("http://exa*mple.com/", None),
    ("http://exa$mple.com/", None),
    ("http://exa_mple.com/", None),
    ('http://exa"mple.com/', None),
    ("http://exa{mple}.com/", None),
    ("http://exa`mple.com/", None),
    ("http://exa'mple.com/", None),
    ("foo://exa mple.com/", None),
    ("foo://exa%zzmple/", None),
    ('foo://exa"mple/', None),
    ("foo://EXAMPLE/", None),
    ("foo://ex%41mple/", None),
    ("foo://ü/", None),
    ("foo://a^b/", None),
    ("foo://a:99999/", None),
    ("foo://", None),
    ("foo:///x", None),
    ("foo:/x", None),
    ("foo:x/../y", None),
    ("foo:/.//x", None),
    ("foo:/..//x", None),
    ("foo://h/..//x", None),
    ("foo:/a/..//x", None),
    ("mailto:x", None),
    ("mailto:a b ", None),
    ("mailto:a b ?x y #z w", None),
    ("mailto:Ü\u0001", None),
    ("mailto:x?", None),
    ("mailto:x#", None),
    ("javascript:alert(1)", None),
    ("data:text/html,<b>x</b>", None),
    ("blob:https://example.com/uuid", None),
    ("blob:foo://x/y", None),
    ("blob:nothing", None),
    ("urn:isbn:123", None),
    ("a+b-c.d://x/y", None),
    ("1http://x/", None),
    ("://x", None),
    ("", None),
    (" ", None),
    ("http://example.com/a/./b/../c/%2e/d/%2E%2e/e", None),
    ("http://example.com/a/.%2e/b", None),
    ("http://example.com/a/%2e./b", None),
    ("http://example.com/..", None),
    ("http://example.com/../../x", None),
    ("http://example.com/a/..", None),
    ("http://example.com/a/.", None),
    ("http://example.com/a/%2e", None),
    ("http://example.com/a/...", None),
    ("http://example.com/a/.../b", None),
    ("http://example.com/%2e%2e%2fx", None),
    ("http://example.com/a?b/../c", None),
    ("http://example.com/a#b/../c", None),
    ("http://example.com/ \"<>`{}|^'%", None),
    ("http://example.com/?q= \"<>`{}|^'%#f \"<>`{}|^'%", None),
    ("foo://example.com/?q= \"<>`{}|^'%#f \"<>`{}|^'%", None),
    ("http://example.com/%zz%2%", None),
    ("http://example.com/é/😀?é😀#é😀", None),
    ("http://example.com/\u0000\u001f\u007f\u0080", None),
    ("http://exam\tple.com/a\tb?c\nd#e\rf", None),
    ("\t\n http://example.com/ \t\u0001", None),
    ("http://example.com/\ud800x", None),
    ("http://example.com/\udc00", None),
    ("http://example.com/?\ud800#\udfff", None),
    ("http://example.com/@:[]", None),
    ("http://example.com/a:b@c", None),
    ("http://example.com#", None),
    ("http://example.com?", None),
    ("http://example.com?#", None),
    ("http://example.com/(x)/\\(y\\)", None),
    ("http://example.com/price\\$", None),
    ("http://bücher.de/", None),
    ("http://BÜCHER.de/", None),
    ("http://faß.de/", None),
    ("http://ΕΛΛΆΔΑ.gr/", None),
    ("http://ελλάδα.gr/", None),
    ("http://ς.gr/", None),
    ("http://пример.рф/", None),
    ("http://日本.jp/", None),
    ("http://☃.net/", None),
    ("http://😀.com/", None),
    ("http://a\u200db.com/", None),
    ("http://a\u200cb.com/", None),
    ("http://ＥＸＡＭＰＬＥ.com/", None),
    ("http://a。b.com/", None),
    ("http://a．b/", None),
    ("http://مثال.com/", None),
    ("http://e\u0301.com/", None),
    ("http://é.com/", None),
    ("http://\u0301e.com/", None),
    ("http://tést.com/", None),
    ("http://xn--bcher-kva.de/", None),
    ("http://XN--BCHER-KVA.de/", None),
    ("http://xn--fa-hia.de/", None),
    ("http://xn--nxasmq6b.com/", None),
    ("http://xn--a.com/", None),
    ("http://xn--/", None),
    ("http://xn--zz-.com/", None),
    ("http://xn--bcher-kva-.de/", None),
    ("http://%C3%BC.de/", None),
    ("http://%ff.de/", None),
    ("http://%e2%98%83/", None),
    ("http://a..b/", None),
    ("http://a.b./", None),
    ("http://-a-.com/", None),
    ("http://ab--cd.com/", None),
    ("http://" + "a" * 70 + ".com/", None),
    ("file:///C:/x", None),
    ("file:///C|/x", None),
    ("file:C:/x/../..", None),
    ("file://localhost/x", None),
    ("file://LOCALHOST/x", None),
    ("file://host/x", None),
    ("file://host/C:/x", None),
    ("file:/x", None),
    ("file:x", None),
    ("file:\\\\host\\x", None),
    ("file:///x/../../y", None),
    ("file://C:/x", None),
    ("file:..", None),
    ("file:?x", None),
    ("file:#x", None),
]

RELATIVE_HAND: list[tuple[str, str]] = [
    ("/a/../b?x#y", "http://n"),
    ("//host/x", "http://n"),
    ("///host/x", "http://n"),
    ("\\\\host\\x", "http://n"),
    ("/\\host/x", "http://n"),
    ("//evil.example.com/x", "http://n"),
    ("/api/:path*", "http://n"),
    ("/en\\(x\\)/:slug", "http://n"),
    ("/price\\$", "http://n"),
    ("?x", "http://n/a/b?q#f"),
    ("#y", "http://n/a/b?q#f"),
    ("", "http://n/a/b?q#f"),
    (".", "http://n/a/b"),
    ("..", "http://n/a/b"),
    ("../../../x", "http://n/a/b"),
    ("x", "http://n/a/b"),
    ("./x?y", "http://n/a/b"),
    ("x", "mailto:y"),
    ("#x", "mailto:y"),
    ("x", "foo://h/a/b"),
    ("../x", "foo://h/a/b"),
    ("//other/x", "foo://h/a/b"),
    ("/x", "foo:/a/b"),
    ("x", "file:///C:/a/b"),
    ("/x", "file:///C:/a/b"),
    ("C|/x", "file:///a/b"),
    ("?q", "file:///a/b"),
    ("http:x", "http://n/a/b"),
    ("http:/x", "http://n/a/b"),
    ("https:x", "http://n/a/b"),
    ("foo:x", "http://n/a/b"),
    ("x", "not a url"),
    ("/x", ""),
]

SCHEMES = [
    "http:",
    "https:",
    "HTTP:",
    "hTtPs:",
    "ws:",
    "wss:",
    "ftp:",
    "file:",
    "foo:",
    "mailto:",
    "a+b-c.d:",
    "h:",
    "",
]
SLASHES = ["//", "//", "//", "/", "", "\\\\", "/\\", "///", "\\/"]
USERINFO = [
    "",
    "",
    "",
    "",
    "u@",
    "u:p@",
    ":@",
    "@",
    'a b:c"d@',
    "a@b@",
    "%zz@",
    "ü:x@",
    ":p@",
    "u:@",
    "a:b:c@",
    "[x]@",
    "$1@",
    ":sub@",
]
HOSTS = [
    "example.com",
    "EXAMPLE.com",
    "n",
    "localhost",
    "",
    "[::1]",
    "[1:0:0:0:0:0:0:1]",
    "[::ffff:1.2.3.4]",
    "[::",
    "[1::2::3]",
    "a b",
    "1.2.3",
    "0x7f.1",
    "0300.0250.1.1",
    "4294967295",
    "4294967296",
    "1.2.3.4.5",
    "256.1.1.1",
    "a.0x",
    "%41",
    "ex%2eample",
    "xn--nxasmq6b",
    "bücher.de",
    ":sub.example.com",
    "a:b",
    "h^st",
    "h|st",
    "a%00b",
    "__ESC_COLON_sub.example.com",
    "sub.:domain.com",
    "[0::]",
    "0",
    "0.0.0.0",
    "09",
    "0x100000000",
    "a..b",
    "a.b.",
    "-x-",
    "h_st",
    "h*st",
    "h%zzst",
    "%2e",
    "EX%41MPLE",
]
PORTS = [
    "",
    "",
    "",
    ":",
    ":80",
    ":443",
    ":0080",
    ":65535",
    ":65536",
    ":8a",
    ":3001",
    ":0",
    ":21",
    ":00000000000000000080",
]
SEGMENTS = [
    ":path*",
    ":slug",
    ".",
    "..",
    "%2e",
    ".%2E",
    "%2E%2e",
    "a b",
    '"',
    "<>",
    "`",
    "{}",
    "|",
    "^",
    "'",
    "%",
    "%zz",
    "%2F",
    "é",
    "😀",
    "\t",
    "\n",
    "\\",
    "@",
    ":",
    "[",
    "]",
    "$1",
    "(x)",
    "C:",
    "c|",
    ";",
    "=",
    "&",
    "+",
    "a",
    "api",
    "x.y",
    "...",
    "~",
    "\u0000",
    "\u007f",
    "\u00a0",
    "\ud800",
    "#",
    "?",
    " ",
]
QUERIES = [
    "",
    "",
    "",
    "?",
    "?a=1&b",
    "?'",
    '?a b"c<>',
    "?a=%zz&b=%41",
    "?é=😀",
    "?x=:slug",
    "?a=1&a=2",
    "?\\",
    "?{}|^`",
    "?#",
    "?a=b?c",
    "?%",
    "?+",
    "?\t\n",
]
FRAGMENTS = ["", "", "", "#", "#x", '#a b"<>`', "#:hash", "#é😀", "#%zz", "##", "#?", "#{}|^'"]


def random_url(rng: random.Random) -> str:
    """One random absolute URL built from the odd-character pieces above."""
    path = "".join(
        "/" + "".join(rng.choice(SEGMENTS) for _ in range(rng.randint(0, 2)))
        for _ in range(rng.randint(0, 4))
    )
    if rng.random() < 0.1:
        path = path.replace("/", "\\")
    return (
        rng.choice(SCHEMES)
        + rng.choice(SLASHES)
        + rng.choice(USERINFO)
        + rng.choice(HOSTS)
        + rng.choice(PORTS)
        + path
        + rng.choice(QUERIES)
        + rng.choice(FRAGMENTS)
    )


def random_relative(rng: random.Random) -> str:
    """One random relative reference (path, query, fragment; sometimes scheme-relative)."""
    head = rng.choice(["/", "/", "", "./", "../", "//", "\\", "?", "#"])
    path = "/".join(
        "".join(rng.choice(SEGMENTS) for _ in range(rng.randint(0, 2)))
        for _ in range(rng.randint(0, 4))
    )
    return head + path + rng.choice(QUERIES) + rng.choice(FRAGMENTS)


CHARS = list(" \"<>`{}|^'%\\@:[]#?/&=+;$!*(),~.-_\t\n\r\u0000\u007fazAZ09")
CHARS += [
    "%zz",
    "%2e",
    "%2E",
    "%41",
    "%",
    "é",
    "😀",
    "\u00a0",
    "\ufeff",
    "ß",
    "\u0301",
    "\ud800",
    "\udfff",
    "%e2%82",
    "%ff",
    "%C3%A9",
]


def random_text(rng: random.Random, n: int) -> str:
    """Random text over the odd-character alphabet (used for fuzz-ish URL and query cases)."""
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, n)))


IDNA_CHARS = [
    *"àÀéÉßẞςΣσΑαПпЖж日本語한국어中文ไทยहिन्दीكمثالשלוםİıǅǄﬁ™½①Ⅻ☃♥ｶｅＥ。．｡",
    *"\u00ad\u00a0\u200d\u200c\u0301\u0308\u2044\u2024\u3000\ufeff\u00b7\u0660",
    *["😀", "\U0001d400", "-", "a", "b", "1", "."],
]


def idna_host(rng: random.Random) -> str:
    """A random host mixing ASCII with non-ASCII letters, marks, symbols and dot look-alikes."""
    return "".join(rng.choice(IDNA_CHARS) for _ in range(rng.randint(1, 6)))


def url_cases() -> list[dict[str, Any]]:
    """Hand-picked plus random absolute and relative URL cases."""
    rng = random.Random(20240601)
    cases: list[tuple[str, str | None]] = list(HAND_URLS)
    cases += [(u, b) for u, b in RELATIVE_HAND]
    for seg in SEGMENTS:
        cases.append(("http://example.com/" + seg, None))
        cases.append(("foo://example.com/" + seg, None))
        cases.append(("/" + seg + "/x", "http://n"))
    cases += [(random_url(rng), None) for _ in range(1500)]
    cases += [(random_relative(rng), "http://n") for _ in range(500)]
    bases = ["http://n/a/b?q#f", "foo://h/a/b", "file:///C:/a/b", "mailto:x", "https://u:p@h:8/a/"]
    cases += [(random_relative(rng), rng.choice(bases)) for _ in range(150)]
    cases += [("http://h/" + random_text(rng, 12), None) for _ in range(150)]
    cases += [(random_text(rng, 20), None) for _ in range(50)]
    cases += [(random_text(rng, 20), "http://n/a/b") for _ in range(100)]
    idna = random.Random(99)
    cases += [("http://" + idna_host(idna) + ".com/", None) for _ in range(250)]
    cases += [("http://" + ch + "/", None) for ch in IDNA_CHARS if not ch.isascii()]
    return [{"input": u, "base": b} for u, b in cases]


# ------------------------------------------------------------------------------------------
# URLSearchParams, querystring.stringify, encode/decodeURIComponent
# ------------------------------------------------------------------------------------------

HAND_SEARCH = [
    "",
    "?",
    "??",
    "?a",
    "a",
    "?a=",
    "?=",
    "?=b",
    "?&&a=1&&",
    "?a=1&a=2&a=3",
    "?a=1&b=2&a=3",
    "?a+b=c+d",
    "?a%20b=c%2Bd",
    "?%zz=%",
    "?%e2%82=%ff",
    "?%C3%A9=%F0%9F%98%80",
    "?a=b=c",
    "?b=1&2=x&a=3&1=y&01=z&4294967294=q&4294967295=r",
    "?constructor=x&toString=y",
    "?__proto__=a&length=z&0=w&__proto__=b&2=c",
    "?__proto__=x",
    "?hasOwnProperty=1&valueOf=2",
    "?__proto__=a&map=1&constructor=2&1=3",
    "?x=1&X=2",
    "?\ud800=\udfff",
    "?a=%00",
    "?%EF%BB%BFa=1",
    "?+=+",
    "?a=1;b=2",
    "?é=😀",
    "?a#b",
]


def search_cases() -> list[str]:
    """Query strings for URLSearchParams / searchParamsToUrlQuery."""
    rng = random.Random(7)
    keys = [
        "a",
        "b",
        "A",
        "0",
        "1",
        "10",
        "01",
        "x y",
        "%41",
        "__proto__",
        "constructor",
        "é",
        "+",
        "",
        "length",
        "toString",
        "4294967294",
        "4294967295",
    ]
    vals = ["", "1", "a+b", "%zz", "%20", "%e2%82%ac", "=", "😀", "%F0%9F", "a%2Bb", "%ff%fe"]
    cases = list(HAND_SEARCH)
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(0, 5)):
            k = rng.choice(keys)
            parts.append(k if rng.random() < 0.15 else k + "=" + rng.choice(vals))
        cases.append(rng.choice(["?", ""]) + "&".join(parts))
    cases += [random_text(rng, 25) for _ in range(200)]
    return cases


def stringify_cases() -> list[dict[str, Any]]:
    """Objects for querystring.stringify with the default, a wrapping and Next's encoder."""
    rng = random.Random(11)
    nan = {"$num": "NaN"}
    inf = {"$num": "Infinity"}
    undef = {"$undef": True}
    scalars: list[Any] = [
        "",
        "a",
        "a b",
        "é",
        "😀",
        "a&b=c",
        "%",
        "%41",
        "1",
        "x y+z",
        ":slug",
        0,
        1,
        -1,
        1.5,
        1e21,
        -1e21,
        1e20,
        123456789012345680000,
        1e-7,
        0.1,
        True,
        False,
        None,
        nan,
        inf,
        undef,
        2**53,
        1e300,
    ]
    keys = [
        "a",
        "b",
        "0",
        "1",
        "10",
        "a b",
        "é",
        "&",
        "=",
        "",
        "constructor",
        "toString",
        "😀",
        "__proto__x",
        "01",
        "x",
    ]
    cases: list[dict[str, Any]] = []
    hand: list[dict[str, Any]] = [
        {},
        {"a": ""},
        {"a": []},
        {"a": [], "b": "1"},
        {"a": ["", None, nan]},
        {"b": "1", "2": "x", "a": "3", "1": "y"},
        {"a": ["1", "2"], "b": "x"},
        {"a": 1e21},
        {"a": [1e21, -1e21]},
        {"a": undef},
        {"a": [undef]},
    ]
    objs = list(hand)
    for _ in range(120):
        obj: dict[str, Any] = {}
        for _ in range(rng.randint(0, 4)):
            k = rng.choice(keys)
            r = rng.random()
            if r < 0.2:
                obj[k] = [rng.choice(scalars) for _ in range(rng.randint(0, 3))]
            else:
                obj[k] = rng.choice(scalars)
        objs.append(obj)
    for obj in objs:
        for enc in ("default", "wrap", "escape"):
            cases.append({"obj": obj, "encoder": enc})
    initials: list[dict[str, Any]] = [
        {},
        {"a": "a b"},
        {"x": ["1", "a&b"]},
        {"a b": "é"},
        {"q": ":slug"},
    ]
    strs = ["", "a", "a b", "é", "a&b=c", "1", "x", ":slug", "a&b", "%41", "constructor"]
    for _ in range(150):
        initial = rng.choice(initials)
        obj = {}
        for _ in range(rng.randint(0, 4)):
            k = rng.choice(["a", "a b", "x", "q", "b", "é", "constructor", "1", "hasOwnProperty"])
            obj[k] = (
                [rng.choice(strs) for _ in range(rng.randint(0, 3))]
                if rng.random() < 0.25
                else rng.choice(strs)
            )
        cases.append({"obj": obj, "encoder": "next", "initial": initial})
    return cases


def uri_cases() -> list[str]:
    """Inputs for encodeURIComponent / decodeURIComponent / querystring.escape."""
    rng = random.Random(5)
    hand = [
        "",
        "abc",
        "a b",
        "%",
        "%2",
        "%zz",
        "%41",
        "%4g",
        "%C3%A9",
        "%C3",
        "%C3%28",
        "%E2%82%AC",
        "%E2%82",
        "%F0%9F%98%80",
        "%F0%9F%98",
        "%F4%90%80%80",
        "%ED%A0%80",
        "%C0%80",
        "%E0%80%80",
        "%80",
        "%BF",
        "%F8%88%80%80%80",
        "%FF",
        "%2F%3F%23",
        "é",
        "😀",
        "\ud800",
        "\udc00",
        "\ud800a",
        "a\ud800",
        "\udc00x",
        "\ud83d\ude00",
        "!'()*-._~",
        ";/?:@&=+$,#",
        "%%41",
        "%E2%82%ACx",
        "%c3%a9",
        "%e2%82%ac%",
        "\u0000",
        "\u007f",
        "\u0080",
        "\uffff",
        "\ufeff",
    ]
    pieces = [
        "%",
        "%zz",
        "%41",
        "%C3",
        "%A9",
        "%E2",
        "%82",
        "%AC",
        "%F0",
        "%9F",
        "%98",
        "%80",
        "a",
        " ",
        "é",
        "😀",
        "\ud800",
        "\udc00",
        "+",
        "/",
        "%2",
        "%ff",
        "%ED",
        "%A0",
    ]
    out = list(hand)
    for _ in range(320):
        out.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 5))))
    return out


def format_cases() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Random Next-style parsed objects for url.format, and destinations for Next's parseUrl."""
    rng = random.Random(13)
    protocols = [None, "http:", "https:", "http", "foo:", "mailto:", "file:", "ftp:", ""]
    hostnames = [None, "", "example.com", "localhost", "::1", "[::1]", "a:b", "ex ample"]
    ports = [None, "", "3001", "80"]
    pathnames = [None, "", "/", "/a/b", "a/b", "/a#b", "/a?b", "/a?b#c", "/%23", "/é", "/a b"]
    searches = [None, "", "?", "?a=1", "a=1", "?a=#", "?x=1#2"]
    queries: list[Any] = [
        None,
        {},
        {"a": "1"},
        {"a": ["1", "2"], "b": "x y"},
        {"1": "a", "b": ""},
        {"e": "é", "h": "#"},
    ]
    hashes = [None, "", "#", "#x", "x", "#a b"]
    auths = [None, "", "u", "u:p", "a b:c@d", "é:😀", "u:p:q"]
    hosts = [None, None, None, "h.com:8", "", "[::1]:3"]
    objs: list[dict[str, Any]] = []
    for _ in range(260):
        obj: dict[str, Any] = {}
        for name, choices in (
            ("protocol", protocols),
            ("hostname", hostnames),
            ("port", ports),
            ("pathname", pathnames),
            ("search", searches),
            ("query", queries),
            ("hash", hashes),
            ("auth", auths),
            ("host", hosts),
            ("slashes", [None, True, False, None]),
        ):
            v = rng.choice(choices)
            if v is not None:
                obj[name] = v
        objs.append(obj)
    dests = [
        "http://localhost:3001/api/$1",
        "https://ext.example.com/hello?via=x",
        "https://u:p@ext.example.com:8443/a//b?x=1#h",
        "/internal//path?x=1",
        "/a\\b?c",
        "https://[::1]:3000/x",
        "mailto:x?y",
        "/x#frag",
        "/",
        "https://e.com",
        "foo://bar/x?y#z",
        "https://ext.example.com/a b/é?q=é",
    ]
    nexts: list[dict[str, Any]] = []
    extras: list[Any] = [{}, {"x": "1"}, {"x": "a b", "slug": "a&b"}, {"via": ["1", "2"]}]
    initials: list[Any] = [{}, {"x": "a b"}, {"x": "1"}]
    for dest in dests:
        for mode in ("plain", "redirect", "proxy"):
            for _ in range(2 if mode != "plain" else 1):
                nexts.append(
                    {
                        "dest": dest,
                        "mode": mode,
                        "extra": rng.choice(extras),
                        "initial": rng.choice(initials),
                    }
                )
    return objs, nexts


def main() -> None:
    """Build every case list, ask Node once, write ``url.json``."""
    fmt, next_fmt = format_cases()
    cases = {
        "nextDir": NEXT_DIR,
        "url": url_cases(),
        "search_params": search_cases(),
        "stringify": stringify_cases(),
        "uri": uri_cases(),
        "format": fmt,
        "next_format": next_fmt,
    }
    proc = subprocess.run(
        ["node", "-e", NODE_SCRIPT],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(proc.stdout)
    version = subprocess.run(
        ["node", "-p", "process.version + ' ada ' + process.versions.ada"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    result = {"node": version, **result}
    OUT.write_text(json.dumps(result, indent=1, ensure_ascii=True) + "\n")
    counts = {k: len(v) for k, v in result.items() if isinstance(v, list)}
    print(f"wrote {OUT} ({version}): {counts}")


if __name__ == "__main__":
    main()
