"""Keep the crawler on the public web.

Pages are written by strangers: a link or redirect to http://169.254.169.254/ (cloud
metadata), http://localhost:8080/admin or file:///etc/passwd must not be fetched. Two
guards, both off only when KETADIR_ALLOW_PRIVATE_ADDRESSES is true:

- AddressGuardMiddleware refuses non-http(s) schemes and URLs whose host is literally a
  loopback, private, link-local, reserved or metadata address, or a localhost name. A host
  is read as a resolver reads it: getaddrinfo (inet_aton) takes `2852039166`, `0xa9fea9fe`,
  `0251.0376.0251.0376`, `169.254.43518`, `127.1` and `0` for IPv4 addresses, and so does a
  proxy that resolves the name it is sent.
  RedirectGuardMiddleware applies the same refusal to a redirect's Location before Scrapy
  follows it (Scrapy hands a redirect to file: back as a bare 302), and stops redirect loops
  that Scrapy's duplicate filter would otherwise drop without a word.
- PublicOnlyResolver refuses names that resolve to such addresses. It only runs for the
  connections the crawler itself makes: through a configured http_proxy the proxy resolves
  target names, and the proxy's own address (which the user chose) is allowed.
"""

from __future__ import annotations

import ipaddress
import os
import unicodedata
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError
from w3lib.url import safe_url_string

from crawler.sites import masked_url

ALLOW_SETTING = "KETADIR_ALLOW_PRIVATE_ADDRESSES"
_SCHEMES = ("http", "https")
_CARRIER_NAT = ipaddress.ip_network("100.64.0.0/10")


def is_public_ip(text: str) -> bool:
    """True for a globally routable unicast address; False for anything else or non-IPs."""
    try:
        ip = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip in _CARRIER_NAT
    )


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def resolver_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a resolver reads in host, in any inet_aton form (the WHATWG URL
    standard's IPv4 parser): one to four dot-separated numbers, each decimal, 0x hex or
    0-led octal, the last filling the bytes left. None when host is not such a number."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()  # a trailing dot ends a name, as in "127.1."
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_inet_number(part) for part in parts]
    if None in numbers:
        return None
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):  # type: ignore[operator]
        return None
    value = last
    for position, number in enumerate(leading):
        value += number << (8 * (3 - position))  # type: ignore[operator]
    return ipaddress.IPv4Address(value)


def _inet_number(part: str) -> int | None:
    """One part of an inet_aton address: 0x hex, 0-led octal or decimal; None if it is none."""
    if not part or not part.isascii():
        return None
    lowered = part.lower()
    try:
        if lowered.startswith("0x"):
            return int(lowered[2:], 16) if lowered[2:] else 0
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _host_as_resolved(url_host: str) -> str:
    """The host a resolver or proxy would look up: percent-decoded, NFKC-folded (fullwidth
    digits are digits), lower-case, without a trailing dot."""
    host = unicodedata.normalize("NFKC", unquote(url_host)).lower()
    return host[:-1] if host.endswith(".") and len(host) > 1 else host


def refusal(url: str, allow_private: bool = False) -> str | None:
    """Why the crawler must not fetch url, or None when it may."""
    try:
        parts = urlsplit(url)
        url_host = parts.hostname or ""
    except ValueError:  # "http://[::1/": no host can be read from it
        return "refused: the URL has no readable host"
    if parts.scheme.lower() not in _SCHEMES:
        return f"refused {parts.scheme or 'scheme-less'}: URL (only http and https are crawled)"
    if allow_private:
        return None
    host = _host_as_resolved(url_host)
    if host == "localhost" or host.endswith(".localhost"):
        return f"refused {host}: a local address"
    if is_ip_literal(host):
        if not is_public_ip(host):
            return f"refused {host}: a private, loopback or link-local address"
        return None
    numeric = resolver_ipv4(host)
    if numeric is not None and not is_public_ip(str(numeric)):
        return f"refused {host}: the address {numeric}, which is private, loopback or link-local"
    return None


def proxy_hosts() -> set[str]:
    """Hosts of the proxies configured in the environment: the user chose them."""
    hosts = set()
    for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        value = os.environ.get(key)
        if value:
            host = urlsplit(value if "://" in value else f"http://{value}").hostname
            if host:
                hosts.add(host.lower())
    return hosts


class AddressGuardMiddleware:
    """Downloader middleware: drop requests for non-web schemes and private literal hosts."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuardMiddleware:
        return cls(crawler.settings.getbool(ALLOW_SETTING))

    def process_request(self, request: Any) -> None:
        reason = refusal(request.url, self.allow_private)
        if reason:
            raise IgnoreRequest(reason)


class RedirectGuardMiddleware:
    """Downloader middleware placed before RedirectMiddleware in the response chain (priority
    above 600): refuses redirects to refused targets and redirects back to a URL already visited."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectGuardMiddleware:
        return cls(crawler.settings.getbool(ALLOW_SETTING))

    def process_response(self, request: Any, response: Any) -> Any:
        location = response.headers.get(b"Location")
        if (
            response.status not in (301, 302, 303, 307, 308)
            or not location
            or request.meta.get("dont_redirect")
            or response.status in request.meta.get("handle_httpstatus_list", ())
        ):
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1").strip()))
        reason = refusal(target, self.allow_private)
        if reason:
            raise IgnoreRequest(f"{reason}; redirected to {masked_url(target)}")
        visited = [*request.meta.get("redirect_urls", []), request.url]
        if target.split("#", 1)[0] in {url.split("#", 1)[0] for url in visited}:
            raise IgnoreRequest(f"redirect loop: {' -> '.join(visited)} -> {target}")
        return response


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to non-public addresses."""

    allow_private = False
    allowed_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicOnlyResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool(ALLOW_SETTING)
        resolver.allowed_hosts = frozenset(proxy_hosts())
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 - Twisted's name
        deferred = super().getHostByName(name, timeout)
        deferred.addCallback(self._check, name)
        return deferred

    def _check(self, address: str, name: str) -> str:
        if self.allow_private or name.lower() in self.allowed_hosts or is_public_ip(address):
            return address
        raise DNSLookupError(f"refused {name}: resolves to the non-public address {address}")
