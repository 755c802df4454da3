"""Tests for the result values: `Kind`, `Stage`, `Outcome`, `Step`, `Explanation`."""

from __future__ import annotations

import pickle

import rewrites
from rewrites import Outcome, Stage

APP = ["/", "/dashboard", "/api/auth/[...nextauth]"]
HEADERS = {"source": "/:path*", "headers": [{"key": "x-frame-options", "value": "DENY"}]}
LEGACY = {"source": "/legacy/:p*", "destination": "/:p*", "permanent": True}
BLOG = {"source": "/blog/:slug", "destination": "/dashboard"}
PROXY = {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}


def _router() -> rewrites.Router:
    """Headers on every path, one redirect, one internal rewrite and a catch-all proxy."""
    config = {"headers": [HEADERS], "redirects": [LEGACY], "rewrites": [BLOG, PROXY]}
    return rewrites.Router.from_next_config(config, routes=APP)


def test_steps_carry_enums() -> None:
    """Every step's stage and outcome are enum members, which print as Next.js's names."""
    steps = _router().explain("/blog/x").steps
    assert all(isinstance(s.phase, Stage) and isinstance(s.outcome, Outcome) for s in steps)
    assert [(s.phase, s.outcome) for s in steps] == [
        (Stage.HEADERS, Outcome.MATCHED),
        # The built-in trailing-slash redirect needs a final '/'; redirects[0] needs 'legacy'.
        (Stage.REDIRECTS, Outcome.SKIPPED),
        (Stage.BEFORE_FILES, Outcome.EMPTY),
        (Stage.CHECK_FS, Outcome.MISS),
        (Stage.AFTER_FILES, Outcome.REWRITTEN),
        (Stage.AFTER_FILES, Outcome.SERVED),
    ]
    assert str(steps[3]) == "[check_fs] no page or file is exactly '/blog/x'"


def test_applied_lists_the_rules_that_took_effect() -> None:
    """`applied()` gives the header rule and the rewrite, not the redirect that was only tried."""
    router = _router()
    explained = router.explain("/blog/x")
    assert [r.place for r in explained.applied()] == ["headers[0]", "rewrites[0]"]
    assert [r.place for r in explained.exercised()] == ["headers[0]", "rewrites[0]"]
    slashed = router.explain("/blog/x/")
    assert "built-in trailing-slash redirect (remove slash)" in [
        r.place for r in slashed.exercised()
    ]
    assert [r.place for r in slashed.applied()] == [
        "headers[0]",
        "built-in trailing-slash redirect (remove slash)",
    ]


def test_applied_includes_the_deciding_rule_once() -> None:
    """A proxied request lists its proxy rule once, after the header rule that also matched."""
    explained = _router().explain("/api/users")
    assert [r.place for r in explained.applied()] == ["headers[0]", "rewrites[1]"]
    assert explained.resolution.rule is explained.applied()[-1]


def test_a_redirect_applies_alone() -> None:
    """A redirect ends resolution: headers matched, the redirect applied, no rewrite tried."""
    explained = _router().explain("/legacy/a")
    assert [r.place for r in explained.applied()] == ["headers[0]", "redirects[0]"]
    assert "rewrites[0]" not in [r.place for r in explained.exercised()]


def test_the_skipped_count_is_its_own_outcome() -> None:
    """Rules the index never offered are counted in one SKIPPED step of their phase."""
    rules = [{"source": f"/p{i}/:x", "destination": "/"} for i in range(5)]
    explained = rewrites.Router.from_next_config({"rewrites": rules}).explain("/p3/a")
    skipped = [s for s in explained.steps if s.outcome is Outcome.SKIPPED]
    assert [(s.phase, s.detail.split(" ", 1)[0]) for s in skipped] == [
        (Stage.REDIRECTS, "1"),  # the built-in trailing-slash redirect: no final '/'
        (Stage.AFTER_FILES, "4"),
    ]


def test_an_explanation_pickles() -> None:
    """An explanation survives pickling with its enums and rules."""
    explained = _router().explain("/blog/x")
    clone = pickle.loads(pickle.dumps(explained))
    assert clone == explained
    assert clone.applied() == explained.applied()
