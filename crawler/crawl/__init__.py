"""Scrapy plumbing: the spiders, their downloader middlewares, the item pipelines, the
parse workers the pipelines feed, and the child process every crawl runs in."""
