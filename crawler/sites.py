"""What a "site" is: one clinic website, whatever host spelling a link uses."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from crawler.errors import KetadirError
from crawler.vocabulary import closest


# The Scrapy signal the clinic spider sends, with site=..., once nothing more of that site is
# queued, downloading, in a callback or in the item pipelines: its pages are all stored and it
# can be decided during the crawl. Kept here, away from Scrapy, so that parse workers, which
# import the pipelines, do not import Scrapy too.
site_finished = object()


class BadURL(KetadirError, ValueError):
    """A seed that is not an absolute http(s) URL, or a seed file that cannot be read."""


def site_of(url: str) -> str:
    """The site key of a URL: lower-case host in its IDNA (ASCII) form, without port or a
    leading www. (www and apex are one site); "" for a URL with no readable host.

    IDNA because Scrapy requests, and pages link to, http://xn--bcher-kva.test/ whatever
    spelling a seed used (http://bücher.test/): one site, one key."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:  # "http://[::1/"
        return ""
    host = ascii_host(host)
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=4096)
def ascii_host(host: str) -> str:
    """A host name in the ASCII form requests carry, as w3lib (and so Scrapy) writes it:
    NFKC, then IDNA. A name IDNA cannot encode is left as it is."""
    if host.isascii():
        return host
    try:
        return unicodedata.normalize("NFKC", host).encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host


def display_host(site: str) -> str:
    """A site key as people read it: xn--bcher-kva.test is bücher.test."""
    if "xn--" not in site:
        return site
    try:
        return site.encode("ascii").decode("idna")
    except UnicodeError:
        return site


def site_key(text: str) -> str:
    """The site key of what a user types: a bare host ("www.Clinic.test") or a URL. Raises
    BadURL for bytes that are not text (a terminal in another encoding, a mistyped escape)."""
    text = text.strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = text.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
        raise BadURL(f"not a site name: '{shown}' is not UTF-8 text: give a host like example.com") from None
    return site_of(text if "://" in text else f"http://{text}/")


def normalize_seed(raw: str) -> str:
    """Check a seed URL and give it back in canonical form, or raise BadURL saying what to fix.

    A seed is refused, not silently mended, when its port is not a number from 1 to 65535
    or it carries a user name or password: the error names the URL with the credentials
    masked, so they are never stored, sent or printed.
    """
    text = raw.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:  # "http://[::1/", "http://a.test:99999/", "http://a.test:abc/"
        shown = masked_url(text)
        raise BadURL(f"not a web address: {shown!r}: {_url_problem(exc)}") from None
    if parts.scheme not in ("http", "https"):
        hint = f" (did you mean http://{text}?)" if "://" not in text and "." in text else ""
        raise BadURL(f"not a web address: {masked_url(text)!r}: URLs start with http:// or https://{hint}")
    if "@" in parts.netloc:
        raise BadURL(
            f"not a seed: {masked_url(text)!r} carries a user name or password: remove the part before '@' "
            "(ketadir never sends, keeps or prints credentials)"
        )
    if port == 0:
        raise BadURL(f"not a web address: {text!r}: the port must be a number from 1 to 65535")
    if not parts.hostname or "." not in parts.hostname.strip("."):
        raise BadURL(f"not a web address: {text!r}: the host needs a domain, like example.com")
    path = parts.path or "/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}" + (f"?{parts.query}" if parts.query else "")


def _url_problem(exc: ValueError) -> str:
    """What urlsplit's complaint means for the person who typed the URL."""
    message = str(exc)
    if "Port" in message:
        return "the port must be a number from 1 to 65535"
    if "IPv6" in message:
        return "an IPv6 address goes between [ and ], like http://[2001:db8::1]/"
    return message


def has_userinfo(url: str) -> bool:
    """Whether a URL carries a user name or password (user:password@host)."""
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return False


def without_userinfo(url: str) -> str:
    """The URL with any user name and password dropped: links on pages can carry them too."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def masked_url(text: str) -> str:
    """text with what sits between '//' and the last '@' of its authority masked."""
    scheme, sep, rest = text.partition("//")
    if not sep:
        return text
    authority, slash, tail = rest.partition("/")
    if "@" not in authority:
        return text
    return f"{scheme}//***@{authority.rpartition('@')[2]}{slash}{tail}"


def website_of(url: str) -> str:
    """The root URL a directory lists for a site: scheme://host/ as the site itself spells its
    host (a port kept, credentials never)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2].lower()}/"


def read_seed_file(path: str) -> list[str]:
    """Seed URLs from a file: one per line, blank lines and # comments allowed.

    Every line is checked before any is used: BadURL names each bad line by number (what is
    wrong with the first few, the numbers of the rest), so a long file is fixed in one pass.
    """
    urls: list[str] = []
    bad: list[tuple[int, str]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                urls.append(normalize_seed(line))
            except BadURL as exc:
                bad.append((number, str(exc)))
    if bad:
        raise BadURL(f"{path}: {_bad_lines(bad)}; nothing was read from it")
    return urls


_EXPLAINED_LINES = 5  # bad lines shown with what is wrong; the rest by number


def _bad_lines(bad: list[tuple[int, str]]) -> str:
    """ "line 4: ..." for the first few bad lines, then the numbers of the rest as ranges."""
    count = f"{len(bad):,} bad line{'s' if len(bad) > 1 else ''}"
    explained = "; ".join(f"line {number}: {reason}" for number, reason in bad[:_EXPLAINED_LINES])
    rest = [number for number, _ in bad[_EXPLAINED_LINES:]]
    return f"{count}: {explained}" + (f"; and lines {_ranges(rest)}" if rest else "")


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 7, 9, 10 -> "1-3, 7, 9-10": every number, in little space."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def seeds_from(urls: list[str] | tuple[str, ...], seed_file: Path | None = None) -> list[tuple[str, str]]:
    """(url, source) for each seed of a seed file and of the command line, checked."""
    seeds: list[tuple[str, str]] = []
    if seed_file is not None:
        if not seed_file.is_file():
            raise BadURL(f"seed file {seed_file} not found: give a file of URLs, one per line")
        try:
            seeds += [(url, f"seeds:{seed_file.name}") for url in read_seed_file(str(seed_file))]
        except (OSError, UnicodeDecodeError) as exc:
            raise BadURL(f"cannot read seed file {seed_file}: {exc}") from None
    return seeds + [(normalize_seed(url), "command line") for url in urls]


class NotInDirectory(KetadirError, LookupError):
    """A site or clinic name that names no clinic of the directory."""


class _Clinics(Protocol):
    def clinic_names(self) -> dict[str, str]: ...


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", name.casefold().replace("&", " and ")).split())


def clinic_site(store: _Clinics, text: str) -> str:
    """The site of the clinic a user names by its site, a URL of it, or its name ("Santa Fe
    Ketamine & Psychotherapy", any case, or words of it only one name has). Raises
    NotInDirectory with the closest names."""
    names = store.clinic_names()
    key = site_key(text) if "://" in text or " " not in text.strip() else ""
    if key in names:
        return key
    wanted = _name_key(text)
    named = [site for site, name in names.items() if _name_key(name) == wanted]
    if not named and wanted:  # part of a name, in whole words ("Santa Fe Ketamine"), if only one has it
        named = [site for site, name in names.items() if f" {wanted} " in f" {_name_key(name)} "]
        if len(named) > 1:
            raise NotInDirectory(f"{len(named)} clinics have {text.strip()!r} in their names: give the site, one of "
                                 f"{', '.join(named)}")
    if len(named) == 1:
        return named[0]
    if named:
        raise NotInDirectory(f"{len(named)} clinics are named {text.strip()!r}: give the site, one of {', '.join(named)}")
    by_words = {_name_key(name): f"{name} ({site})" for site, name in names.items() if name}
    by_words.update({site: site for site in names})
    close = closest(key or wanted, list(by_words))
    hint = f"; did you mean {' or '.join(by_words[c] for c in close)}?" if close else ""
    raise NotInDirectory(f"{text.strip()!r} is not in the directory{hint} (see `ketadir search` for what is)")
