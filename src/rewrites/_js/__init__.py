"""Ports of JavaScript's runtime that Next.js's routing leans on, below every stage.

* `regexp`: V8's RegExp (non-unicode, flags none or ``i``) translated for the `regex` module.
* `case`: V8's case-insensitive equivalence classes (generated data).
* `url`: WHATWG ``new URL`` as Node 20 (ada) parses it.
* `uri`: ``encodeURIComponent``, ``decodeURIComponent``, ``escape``.
* `node`: Node's ``URLSearchParams`` parsing, ``querystring`` and legacy ``url.format``, and Next's
  query object with JavaScript's prototype names.

Nothing here knows about routing; the stages above import it.
"""
