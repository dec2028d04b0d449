"""`ketadir demo`: a bundled sample web of fictional clinics (web/, installed with the
package) and a server that plays it on 127.0.0.1 (server.py)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from crawler.demo.server import SampleWebServer

SAMPLE_WEB = Path(__file__).resolve().parent / "web"

# A web on 127.0.0.1 needs no politeness delays; everything else stays as in settings.py.
FAST_LOCAL_CRAWL = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}


@contextmanager
def sample_web() -> Iterator[SampleWebServer]:
    """The sample web served on 127.0.0.1, as this process's (and its children's) HTTP proxy."""
    from crawler.demo.server import SampleWebServer

    saved = {key: os.environ.get(key) for key in ("http_proxy", "no_proxy")}
    with SampleWebServer(SAMPLE_WEB) as server:
        os.environ["http_proxy"] = server.url
        os.environ.pop("no_proxy", None)
        try:
            yield server
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
