"""Scrapy settings for ketadir crawls (also used by `scrapy crawl clinic` from the repo root).

Polite by default: robots.txt, AutoThrottle, a per-domain delay and two requests at a time
per site. `ketadir crawl --set NAME=VALUE` overrides any of these for one run.
"""

BOT_NAME = "ketadir"
SPIDER_MODULES = ["crawler.crawl.spiders"]
NEWSPIDER_MODULE = "crawler.crawl.spiders"

USER_AGENT = "ketadir/0.1 (+https://github.com/ketadir/ketadir; directory of ketamine providers)"
ROBOTSTXT_OBEY = True

# Politeness
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Robustness
RETRY_ENABLED = True
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# Each give-up is a fetch error with its reason in the run report and the crawl summary;
# logging it as an ERROR too buries real errors in a crawl of many sites.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
DEPTH_LIMIT = 4
DNS_TIMEOUT = 10

COOKIES_ENABLED = False
# No console into a running crawl: Scrapy's telnet console, and the RemoteControl extension
# Scrapy 2.19 turns on by default (an HTTP server on localhost that runs any Python code sent
# with the token it writes to disk). A scheduled crawl needs neither.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"

# Network safety (crawler/crawl/middlewares/guard.py): never fetch loopback, private, link-local or metadata
# addresses, nor non-http(s) schemes. KETADIR_ALLOW_PRIVATE_ADDRESSES = True lifts the address
# guard, for crawling a test web served directly (not through a proxy) on 127.0.0.1.
DOWNLOADER_MIDDLEWARES = {
    "crawler.crawl.middlewares.guard.AddressGuardMiddleware": 50,
    "crawler.crawl.middlewares.guard.RedirectGuardMiddleware": 650,  # sees 3xx responses before RedirectMiddleware (600)
    # robots.txt and sitemaps read up to a limit (crawler/crawl/middlewares/reading.py); sees
    # responses before HttpCompressionMiddleware (590)
    "crawler.crawl.middlewares.reading.PartialReadMiddleware": 595,
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    "crawler.crawl.middlewares.transport.CachedProxyMiddleware": 750,
}
# Connection reuse through a proxy, and a proxy choice made once per host (crawler/crawl/middlewares/transport.py).
DOWNLOAD_HANDLERS = {
    "http": "crawler.crawl.middlewares.transport.PooledDownloadHandler",
    "https": "crawler.crawl.middlewares.transport.PooledDownloadHandler",
}
TWISTED_DNS_RESOLVER = "crawler.crawl.middlewares.guard.PublicOnlyResolver"
KETADIR_ALLOW_PRIVATE_ADDRESSES = False

# Scrapy re-reads a callback's source code to warn about `return` in generators, again and
# again as bound methods are collected (bench/RESULTS.md). Ours return nothing.
WARN_ON_GENERATOR_RETURN_VALUE = False

# Scrapy starts this many tasks for the output of every page, whatever its size; a page
# gives one item and a few links, and 100 tasks per page was the crawl's busiest call
# (bench/RESULTS.md, **CONCURRENT_ITEMS 8**).
CONCURRENT_ITEMS = 8

ITEM_PIPELINES = {
    "crawler.crawl.pipelines.ParsePipeline": 100,
    "crawler.crawl.pipelines.StorePipeline": 200,
}

# ketadir's own settings
KETADIR_MAX_PAGES_PER_SITE = 25
# A sitemap index of indexes draws at most this many sitemaps, and bytes, from one site.
KETADIR_SITEMAPS_PER_SITE = 8
KETADIR_SITEMAP_BYTES_PER_SITE = 4 * 1024 * 1024
KETADIR_STORE = None  # path of the SQLite store; set by `ketadir crawl` from --data-dir
KETADIR_RUN_ID = 0
KETADIR_PROGRESS_FD = None  # where `ketadir crawl` reads progress (a pipe); without it, the log
