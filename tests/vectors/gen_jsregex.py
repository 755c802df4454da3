"""Generate tests/vectors/jsregex.json: differential vectors for `rewrites._js.regexp`.

Random JavaScript RegExp sources (fixed seeds) are evaluated by real V8: for each source and flag
set ("" and "i") Node records either the SyntaxError message or, for every subject string, the
result of ``exec`` (null, or the match and its groups with undefined as null).

Re-run from the repository root (needs ``node`` on PATH; stdlib only):

    python tests/vectors/gen_jsregex.py

Strings are written with ``ensure_ascii=True`` so lone surrogates survive as ``\\udXXX`` escapes.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("jsregex.json")
SEED = 20240611
N_RANDOM = 1400
N_SMALL = 800
N_MUTANTS = 500
SUBJECTS_PER_PATTERN = 6

EMOJI = "\U0001f600"
# fmt: off
SUBJECT_CHARS = [
    *"abcxyzABKS019_-/.\\{}[]()|*+?^$ ",
    "\n", "\r", "\u2028", "\u00a0", "\u017f", "\u212a", "\u00e9", "\u00c9", "\u0130",
    "\u00df", "\u03a3", "\u03c3", "\u03c2", EMOJI, "\x08", "\x01", "\x1f", "\x0b", "\t",
]
LITERALS = [*"abcxyzABKS019_-/ ", "\u017f", "\u212a", "\u00e9", "\u00c9", "\u0130", "\u00df"]
LITERALS += ["\u03a3", "\u03c3", "\u03c2", EMOJI, "]", "}", "{", "{,3}", "{1", "-", ","]
ESCAPES = [
    r"\d", r"\D", r"\w", r"\W", r"\s", r"\S", r"\n", r"\r", r"\t", r"\v", r"\f", r"\0",
    r"\x41", r"\x4", r"\xg", r"\u00e9", r"\u212A", r"\u017f", r"\u12", r"\u{41}", r"\cA", r"\cj",
    r"\c", r"\c1", r"\c_", r"\8", r"\9", r"\01", r"\012", r"\377", r"\400", r"\18", r"\a",
    r"\p", r"\P{L}", r"\k", r"\-", r"\/", r"\.", r"\*", r"\[", r"\]", r"\{", r"\}", r"\(",
    r"\)", r"\|", r"\^", r"\$", r"\\", r"\?", r"\+", r"\e", r"\_", r"\ud83d", r"\ude00",
]
CLASS_ITEMS = [
    "a", "b", "z", "A", "Z", "0", "9", "_", "-", "^", "]", "[", ".", "*", "$", " ", "\u00e9",
    "\u017f", "\u212a", "\u03c3", "\u0130", EMOJI, r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", r"\b",
    r"\B", r"\-", r"\]", r"\\", r"\c", r"\cA", r"\c1", r"\c_", r"\c-", r"\1", r"\8", r"\01",
    r"\x41", r"\u0041", r"\k", r"\n", r"\0", "a-z", "A-Z", "0-9", "a-\u00e9", r"\d-z", r"a-\w",
    r"\w-\d", "z-a", "--", "-a", "\u00c0-\u00ff", "\u0391-\u03c9", "\ud83d-\ude00",
]
GROUP_OPENERS = ["(", "(", "(?:", "(?:", "(?=", "(?!", "(?<=", "(?<!", "(?<n>", "(?<m>"]
QUANTIFIERS = ["*", "+", "?", "{2}", "{0}", "{1,}", "{0,2}", "{1,3}", "{2,}", "{0,1}", "{3,3}"]
ASSERTIONS = ["^", "$", r"\b", r"\B"]
ERROR_PATTERNS = [
    "*", "+a", "?", "{1}", "{1,2}", "a{2,1}", "a**", "a+*", "a???", "x{2}{3}", "(", "(a", "a)",
    ")", "(?", "(?a)", "(?i:a)", "(?-i:a)", "(?P<n>a)", "(?<", "(?<1>a)", "(?<a-b>x)", "(?<a>x",
    "(?<a>)(?<a>)", "(?<a>x)\\k", "(?<a>x)\\k<b>", "\\k<a>(?<b>x)", "(?<a>x)[\\k]", "[", "[a",
    "[a-", "[\\", "\\", "a\\", "[b-a]", "[z-a]", "[\\c-a]", "[\u00e9-a]", "(?<=a)*", "(?<!a)+",
    "(?<=a){2}", "(?<=a){2,1}", "^*", "$+", "\\b*", "\\B{2}", "a|*", "(*)", "(|?)", "[]]]*?*",
    "a{99999999999,1}", "(?<a>x)\\k<a", "(?<\\u0061>x)(?<a>y)", "(?<a\\>x)", "(?<\\u{zz}>x)",
    "((a)", "(a))", "(?:", "(?=", "(?<!", "a{1,2}{3}", "a|+", "(?:)*?+",
]
# fmt: on


def pick(rng: random.Random, items: list[str]) -> str:
    """A uniformly random element."""
    return items[rng.randrange(len(items))]


def gen_class(rng: random.Random) -> str:
    """A random character class, including Annex B oddities and [] / [^]."""
    roll = rng.random()
    if roll < 0.05:
        return "[]"
    if roll < 0.1:
        return "[^]"
    body = "".join(pick(rng, CLASS_ITEMS) for _ in range(rng.randint(1, 4)))
    return "[" + ("^" if rng.random() < 0.3 else "") + body + "]"


def gen_atom(rng: random.Random, depth: int) -> str:
    """A random atom (possibly a group containing a whole disjunction)."""
    roll = rng.random()
    if roll < 0.35:
        return pick(rng, LITERALS)
    if roll < 0.5:
        return pick(rng, ESCAPES)
    if roll < 0.62:
        return gen_class(rng)
    if roll < 0.68:
        return "."
    if roll < 0.72:
        return "\\" + str(rng.randint(1, 3))  # a back-reference or an octal escape
    if depth >= 3:
        return pick(rng, LITERALS)
    opener = pick(rng, GROUP_OPENERS)
    if opener.startswith("(?<") and opener[3] not in "=!" and rng.random() < 0.7:
        opener = "("  # keep refused named groups rare
    return opener + gen_disjunction(rng, depth + 1) + ")"


def gen_term(rng: random.Random, depth: int) -> str:
    """An assertion, or an atom with an optional (possibly lazy) quantifier."""
    if rng.random() < 0.1:
        return pick(rng, ASSERTIONS)
    atom = gen_atom(rng, depth)
    if rng.random() < 0.35:
        atom += pick(rng, QUANTIFIERS) + ("?" if rng.random() < 0.3 else "")
    return atom


def gen_disjunction(rng: random.Random, depth: int) -> str:
    """One to three alternatives of zero to four terms."""
    alternatives = []
    for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
        count = rng.randint(0 if depth else 1, 4 if depth < 2 else 2)
        alternatives.append("".join(gen_term(rng, depth) for _ in range(count)))
    return "|".join(alternatives)


def gen_subject(rng: random.Random, pattern: str) -> str:
    """A short subject mixing the pattern's own characters with interesting ones."""
    own = [ch for ch in pattern if ch not in "()[]{}?*+|\\^$"] or ["a"]
    # Half the subjects use only the pattern's own characters, so that many of them match.
    pool = own if rng.random() < 0.5 else own * 3 + SUBJECT_CHARS
    return "".join(pick(rng, pool) for _ in range(rng.randint(0, 9)))


def mutate(rng: random.Random, pattern: str) -> str:
    """Insert or delete a syntax character to provoke SyntaxErrors."""
    pos = rng.randint(0, len(pattern))
    if pattern and rng.random() < 0.3:
        return pattern[:pos] + pattern[pos + 1 :]
    junk = pick(rng, ["(", ")", "[", "]", "*", "+?", "{2,1}", "\\", "(?", "(?<", "|*", "{3}"])
    return pattern[:pos] + junk + pattern[pos:]


def refusal(source: str, captures: int, named: bool) -> str | None:
    """Which refused construct a JS-valid `source` uses: "named", "backref" or None."""
    if named:
        return "named"
    i, in_class = 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            digits = re.match(r"[1-9][0-9]*", source[i + 1 :])
            if digits and not in_class and int(digits.group()) <= captures:
                return "backref"
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        i += 1
    return None


NODE_SCRIPT = r"""
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = cases.map(([source, flags, subjects]) => {
  let re;
  try { re = new RegExp(source, flags); }
  catch (e) { return {error: e.message.replace(/^[^]*: /, '')}; }
  const probe = new RegExp(source + '|', flags).exec('');
  return {
    captures: probe.length - 1,
    named: probe.groups !== undefined,
    results: subjects.map((s) => {
      const m = re.exec(s);
      return m === null ? null : Array.from(m, (x) => (x === undefined ? null : x));
    }),
  };
});
process.stdout.write(JSON.stringify(out));
"""


def run_node(cases: list[tuple[str, str, list[str]]]) -> list[dict[str, Any]]:
    """Evaluate every (source, flags, subjects) in one Node process."""
    proc = subprocess.run(
        ["node", "-e", NODE_SCRIPT],
        input=json.dumps(cases, ensure_ascii=True),
        capture_output=True,
        text=True,
        check=True,
    )
    result: list[dict[str, Any]] = json.loads(proc.stdout)
    return result


def main() -> None:
    """Generate the patterns, evaluate them in Node and write the JSON vectors."""
    rng = random.Random(SEED)
    sources = [gen_disjunction(rng, 0) for _ in range(N_RANDOM)]
    # Short patterns (one or two terms) match their subjects far more often.
    sources += ["".join(gen_term(rng, 1) for _ in range(rng.randint(1, 2))) for _ in range(N_SMALL)]
    sources += [mutate(rng, pick(rng, sources)) for _ in range(N_MUTANTS)]
    sources += ERROR_PATTERNS
    sources = list(dict.fromkeys(sources))
    cases = [
        (source, flags, [gen_subject(rng, source) for _ in range(SUBJECTS_PER_PATTERN)])
        for source in sources
        for flags in ("", "i")
    ]
    vectors = []
    for (source, flags, subjects), res in zip(cases, run_node(cases), strict=True):
        if "error" in res:
            vectors.append({"source": source, "flags": flags, "error": res["error"]})
            continue
        vectors.append(
            {
                "source": source,
                "flags": flags,
                "captures": res["captures"],
                "refuse": refusal(source, res["captures"], res["named"]),
                "cases": [
                    {"subject": s, "result": r}
                    for s, r in zip(subjects, res["results"], strict=True)
                ],
            }
        )
    OUT.write_text(json.dumps(vectors, ensure_ascii=True, indent=0) + "\n", encoding="ascii")
    errors = sum("error" in v for v in vectors)
    pairs = sum(len(v.get("cases", [])) for v in vectors)
    print(f"wrote {len(vectors)} vectors ({errors} syntax errors, {pairs} subject cases) to {OUT}")


if __name__ == "__main__":
    main()
