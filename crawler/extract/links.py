"""Finding clinic sites on directory pages and sitemaps: pure functions, no I/O.

A directory page links out to the clinics it lists; a sitemap lists pages (or other
sitemaps). What looks like a clinic site is an external http(s) link to a host that is not
the directory itself, not social media, not a map, search engine, encyclopedia or app store.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from crawler.sites import site_of, website_of

# Hosts that are never a clinic's own site (matched on the registrable end of the host).
NOT_CLINIC_HOSTS = (
    "facebook.com", "instagram.com", "twitter.com", "x.com", "linkedin.com", "youtube.com", "youtu.be",
    "tiktok.com", "pinterest.com", "threads.net", "reddit.com", "yelp.com", "google.com", "goo.gl",
    "g.page", "maps.app.goo.gl", "apple.com", "bing.com", "wikipedia.org", "wikimedia.org",
    "psychologytoday.com", "healthgrades.com", "zocdoc.com", "vitals.com", "webmd.com",
    "wordpress.com", "wordpress.org", "wix.com", "squarespace.com", "gravatar.com", "w3.org",
    "schema.org", "cloudflare.com", "doubleclick.net", "googletagmanager.com", "vimeo.com",
    "spotify.com", "eventbrite.com", "paypal.com", "stripe.com", "calendly.com", "mailchimp.com",
)
_ASSET = re.compile(r"\.(?:css|js|png|jpe?g|gif|svg|webp|ico|pdf|zip|mp4|mp3|xml|json)$", re.I)
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def is_clinic_candidate(url: str, directory_site: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for "host:99999" and "host:abc"
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    site = site_of(url)
    if site == directory_site or "." not in site:
        return False
    if any(site == host or site.endswith("." + host) for host in NOT_CLINIC_HOSTS):
        return False
    return not _ASSET.search(parts.path)


def clinic_links(html: str, page_url: str) -> list[str]:
    """Root URLs (scheme://host/) of external sites a listing page links to, in page order."""
    directory = site_of(page_url)
    found: dict[str, None] = {}
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    for element in document.iter("a"):
        try:
            url = urljoin(page_url, (element.get("href") or "").strip())
        except ValueError:  # "http://[::1/": not a URL at all
            continue
        if is_clinic_candidate(url, directory):
            found.setdefault(website_of(url), None)
    return list(found)


def sitemap_entries(xml: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index; empty if unreadable."""
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    except etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    locs = [el.text.strip() for el in root.iter(f"{_SITEMAP_NS}loc", "loc") if el.text and el.text.strip()]
    if root.tag.endswith("sitemapindex"):
        return [], locs
    return locs, []


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt."""
    urls = []
    for line in robots_txt.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            urls.append(urljoin(base_url, value.strip()))
    return urls


# A listing page of a directory: per-state pages, next pages, page numbers.
_LISTING_HINT = re.compile(r"state|region|city|location|page|next|list|director|provider|clinic|[?&]p=\d", re.I)


def listing_links(html: str, page_url: str, prefix: str) -> list[str]:
    """The directory's own pages a listing page links to under path prefix (its per-state and
    next pages), likeliest listings first; no assets, no fragments."""
    directory = site_of(page_url)
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    found: dict[str, bool] = {}
    for element in document.iter("a"):
        url = urljoin(page_url, (element.get("href") or "").strip()).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or site_of(url) != directory or _ASSET.search(parts.path):
            continue
        if not (parts.path or "/").startswith(prefix) or url == page_url.split("#", 1)[0]:
            continue
        found.setdefault(url, bool(_LISTING_HINT.search(url) or _state_named(element.text_content())))
    return sorted(found, key=lambda url: not found[url])


def _state_named(text: str) -> bool:
    from crawler.extract.geo import state_of_name

    return state_of_name(" ".join(text.split())) is not None


def listing_prefix(url: str) -> str:
    """The path a directory's listing pages share with the page it starts from: its folder."""
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
