"""Extraction: pure functions from page bytes to Pages, and from a site's Pages to its
contacts, places and classification. No I/O, no Scrapy."""
