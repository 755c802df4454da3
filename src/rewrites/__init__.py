"""rewrites — Next.js rewrites, redirects and headers, resolved exactly as Next.js 16 does.

>>> import rewrites
>>> rewrites.compile("/api/:path*").match("/api/a/b").params
{'path': ('a', 'b')}
"""

from ._match import Match, ParamValue, Pattern, compile
from ._syntax import Key
from .errors import ConfigError, PatternError, Problem, RequestError, RewritesError

__all__ = [
    "ConfigError",
    "Key",
    "Match",
    "ParamValue",
    "Pattern",
    "PatternError",
    "Problem",
    "RequestError",
    "RewritesError",
    "compile",
]
