"""rewrites — Next.js rewrites, redirects and headers, resolved exactly as Next.js 16 does.

>>> import rewrites
>>> rewrites.compile("/api/:path*").match("/api/a/b").params
{'path': ('a', 'b')}
"""

from ._pages import routes_from_app_dir
from ._pattern import Match, ParamValue, Pattern, compile
from ._results import Explanation, Kind, Outcome, Resolution, Stage, Step
from ._rules import Phase, Rule
from ._syntax import Key
from .errors import ConfigError, PatternError, Problem, RequestError, RewritesError
from .project import load_router as load
from .router import Router

__all__ = [
    "ConfigError",
    "Explanation",
    "Key",
    "Kind",
    "Match",
    "Outcome",
    "ParamValue",
    "Pattern",
    "PatternError",
    "Phase",
    "Problem",
    "RequestError",
    "Resolution",
    "RewritesError",
    "Router",
    "Rule",
    "Stage",
    "Step",
    "compile",
    "load",
    "routes_from_app_dir",
]
