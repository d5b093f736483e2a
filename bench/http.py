"""`.venv/bin/python bench/http.py --help`: gcmhub over HTTP, gunicorn as in production (the
benchmark itself is bench/httpbench.py).

The standard library has an `http` package, and a script run from this folder puts the folder
first on sys.path: so this file loads the real `http` first, and when another script of this
folder imports `http` (Django does), it hands over the standard library's package instead.
"""

import importlib
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ in ("__main__", "http"):
    _saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
    if __name__ == "http":
        del sys.modules["http"]
    _stdlib_http = importlib.import_module("http")
    importlib.import_module("http.client")
    importlib.import_module("http.cookies")
    sys.path[:] = _saved
    if __name__ == "http":
        sys.modules["http"] = _stdlib_http
    else:
        from httpbench import main

        sys.exit(main())
