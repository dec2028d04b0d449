"""Downloader middlewares and handlers, one per module as in Scrapy: the address guard and
the transport tuned for many sites."""
