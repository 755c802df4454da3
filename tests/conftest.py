"""Shared test set-up: Hypothesis profiles.

The suite runs with Hypothesis's default profile (100 examples a property) unless told
otherwise; tests/test_fuzz.py scales its example counts from the active profile. For a long
fuzzing run:

    python -m pytest tests/test_fuzz.py --hypothesis-profile=fuzz

`fuzz` runs 50 times the examples, with no deadline per example (test_fuzz.py bounds each
example's CPU time itself), and prints statistics.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz",
    max_examples=5_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
