"""What a "site" is: one clinic website, whatever host spelling a link uses."""

from __future__ import annotations

import re
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
    """The site key of a URL: lower-case host without port or a leading www. (www and apex are one site)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def site_key(text: str) -> str:
    """The site key of what a user types: a bare host ("www.Clinic.test") or a URL."""
    text = text.strip()
    return site_of(text if "://" in text else f"http://{text}/")


def normalize_seed(raw: str) -> str:
    """Check a seed URL and give it back in canonical form, or raise BadURL saying what to fix."""
    text = raw.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        hint = f" (did you mean http://{text}?)" if "://" not in text and "." in text else ""
        raise BadURL(f"not a web address: {text!r}: URLs start with http:// or https://{hint}")
    if not parts.hostname or "." not in parts.hostname.strip("."):
        raise BadURL(f"not a web address: {text!r}: the host needs a domain, like example.com")
    path = parts.path or "/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}" + (f"?{parts.query}" if parts.query else "")


def website_of(url: str) -> str:
    """The root URL a directory lists for a site: scheme://host/ as the site itself spells its host."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}/"


# A seed file's bad lines are all named, up to this many (a file of something else has thousands).
_BAD_LINES_SHOWN = 10


def read_seed_file(path: str) -> list[str]:
    """Seed URLs from a file: one per line, blank lines and # comments allowed. Raises BadURL
    naming every bad line (the first few of many), so one run of fixes is enough."""
    urls: list[str] = []
    bad: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                urls.append(normalize_seed(line))
            except BadURL as exc:
                bad.append(f"line {number}: {exc}")
    if bad:
        more = f"; and {len(bad) - _BAD_LINES_SHOWN} more" if len(bad) > _BAD_LINES_SHOWN else ""
        count = f" ({len(bad)} bad lines)" if len(bad) > 1 else ""
        raise BadURL(f"{path}{count}, " + "; ".join(bad[:_BAD_LINES_SHOWN]) + more)
    return urls


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
