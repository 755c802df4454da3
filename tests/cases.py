"""Case tables shared by unit tests, ReDoS sweeps and benchmarks."""

from __future__ import annotations

#: 8 KiB of hostile input: enough for catastrophic backtracking to show.
HOSTILE_SIZE = 8 * 1024

#: The shapes of the path-to-regexp advisories (CVE-2024-45296 / GHSA-9wv6-86v2-598j and its
#: follow-ups) and of issue 16, each with hostile paths that make a backtracking matcher explore
#: many splits and then fail. A path keeps the source's literal end ('/end'): a matcher that
#: checks it first would otherwise reject at once, and the figure would flatter it.
#: (name, source, hostile paths)
REDOS_SHAPES: list[tuple[str, str, list[str]]] = [
    (
        "two params in a segment (CVE-2024-45296)",
        "/:a-:b",
        ["/a" + "-a" * ((HOSTILE_SIZE - 4) // 2) + "/a", "/" + "-" * HOSTILE_SIZE + "/"],
    ),
    (
        "three params in a segment",
        "/:a-:b-:c",
        ["/a" + "-a" * ((HOSTILE_SIZE - 4) // 2) + "/a", "/" + "-" * HOSTILE_SIZE + "!/"],
    ),
    (
        "dot-separated params",
        "/:a.:b.:c",
        ["/a" + ".a" * ((HOSTILE_SIZE - 4) // 2) + "/a", "/" + "." * HOSTILE_SIZE + "/"],
    ),
    (
        "sequential optional groups",
        "/:a?-:b?-:c?",
        ["/" + "-" * HOSTILE_SIZE + "/", "/" + "a-" * (HOSTILE_SIZE // 2) + "/"],
    ),
    (
        "sequential optional braces",
        "/x{-:a}?{-:b}?{-:c}?",
        ["/x" + "-a" * (HOSTILE_SIZE // 2) + "/", "/x" + "-" * HOSTILE_SIZE],
    ),
    (
        "repeated wildcards",
        "/:a*/:b*/end",
        ["/a" * (HOSTILE_SIZE // 2) + "//end", "/a" * (HOSTILE_SIZE // 2) + "/en"],
    ),
    (
        "repeated wildcards in braces",
        "/x{-:a}*{-:b}*{-:c}*/end",
        ["/x" + "-a" * (HOSTILE_SIZE // 2) + "/x/end", "/x" + "-a" * (HOSTILE_SIZE // 2) + "/en"],
    ),
    (
        "a parameter, then repeated braces",
        "/:a{-:b}*{-:c}*",
        ["/a" + "-a" * (HOSTILE_SIZE // 2) + "!/x", "/" + "-a" * (HOSTILE_SIZE // 2) + "//"],
    ),
    (
        "a parameter, then repeated dotted braces",
        "/:a{.:b}*{.:c}*",
        ["/a" + ".a" * (HOSTILE_SIZE // 2) + "/x"],
    ),
    (
        "lookahead catch-all then wildcard (the seed's rule)",
        "/api/((?!auth).*)/:path*",
        ["/api/" + "a/" * (HOSTILE_SIZE // 2) + "\n", "/api/auth" + "/a" * (HOSTILE_SIZE // 2)],
    ),
]
