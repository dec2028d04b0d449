"""The private APIs of Scrapy and Python that the performance layer leans on are still there,
shaped as it expects. A failure here means Scrapy or Python changed under us: update the
module the message names (and the Scrapy range in pyproject.toml), do not just quiet the test.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

from crawler.extract.prefilter import required_literals

REPO = Path(__file__).resolve().parents[1]


def test_the_regex_parser_prefilter_reads_is_where_and_as_it_was() -> None:
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    tree = sre_parse.parse(r"^(?:ab|cd)e+(x)\1", 0)
    ops = [op for op, _ in tree]
    assert isinstance(tree, sre_parse.SubPattern), "crawler/extract/prefilter.py: re._parser.SubPattern moved"
    assert ops == [sre.AT, sre.BRANCH, sre.MAX_REPEAT, sre.SUBPATTERN, sre.GROUPREF], (
        f"crawler/extract/prefilter.py: re._parser trees changed shape: {ops}"
    )
    for name in ("AT_BEGINNING", "AT_BEGINNING_STRING", "BRANCH", "LITERAL", "MIN_REPEAT", "GROUPREF_EXISTS"):
        assert hasattr(sre, name), f"crawler/extract/prefilter.py: re._constants.{name} is gone"
    assert required_literals(re.compile(r"\b(?:ketamine|spravato) (?:clinic|infusions?)\b")) == ("ketamine", "spravato")


def test_scrapys_proxy_middleware_still_has_what_the_cached_one_calls() -> None:
    from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware

    hook = getattr(HttpProxyMiddleware, "_set_proxy_and_creds", None)
    assert hook is not None, "crawler/crawl/middlewares/transport.py: HttpProxyMiddleware._set_proxy_and_creds is gone"
    assert list(inspect.signature(hook).parameters) == ["self", "request", "proxy_url", "creds", "scheme"], (
        "crawler/crawl/middlewares/transport.py: HttpProxyMiddleware._set_proxy_and_creds takes other arguments"
    )
    assert isinstance(HttpProxyMiddleware().proxies, dict), "transport.py: HttpProxyMiddleware.proxies changed"


def test_scrapys_http_handler_still_keeps_the_connection_pool_we_widen() -> None:
    # In a child process: building the handler installs a Twisted reactor, which must not
    # happen in the test process.
    probe = (
        "from scrapy.utils.reactor import install_reactor\n"
        "install_reactor('twisted.internet.asyncioreactor.AsyncioSelectorReactor')\n"
        "from scrapy.utils.test import get_crawler\n"
        "from crawler.crawl.middlewares.transport import PooledDownloadHandler\n"
        "from twisted.web.client import HTTPConnectionPool\n"
        "handler = PooledDownloadHandler(get_crawler(settings_dict={'CONCURRENT_REQUESTS': 32}))\n"
        "assert isinstance(handler._pool, HTTPConnectionPool), type(handler._pool)\n"
        "print(handler._pool.maxPersistentPerHost)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "32", (
        "crawler/crawl/middlewares/transport.py: HTTP11DownloadHandler._pool moved or changed: "
        + result.stderr.strip()[-500:]
    )
