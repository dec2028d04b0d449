"""HTML -> Page: pure functions, one lxml tree and one walk of it per page.

Structured data (JSON-LD, microdata) is read first, text second, as alltheplaces does.
Text comes out as blocks that remember where they sat (main text, nav, footer...), so
classification can tell an offer in the body from a menu label, and contact extraction
can find the address that only appears in the footer.

Why lxml's tree and not BeautifulSoup's: BeautifulSoup builds its tree from the same libxml2
parse, plus a Python object for every tag and string, and that layer alone cost many times
the whole libxml2 parse (bench/RESULTS.md, **lxml, not BeautifulSoup's tree**). BeautifulSoup
still decodes the bytes of a page (UnicodeDammit), where its rules are the ones worth having.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from typing import Any, Iterable
from urllib.parse import urlsplit

from lxml import etree

from crawler.items import Page, TextBlock
from crawler.extract.prefilter import prefiltered
from crawler.extract.structured import ARTICLE_TYPES, NEWS_TYPES, types_of

# Elements whose text is never shown to a reader; the walk skips them whole (JSON-LD scripts,
# <title> and <meta> are read on the way). Not <head> as a whole: lxml moves a <header> or
# <footer> that comes before any <body> tag into <head>, and that text is visible.
_INVISIBLE = frozenset(
    ("script", "style", "noscript", "template", "svg", "iframe", "object", "title", "meta", "link", "base")
)
_LD_JSON = re.compile(r"ld\+json", re.I)
# Elements that start a new block of text.
_BLOCK_TAGS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 td th dd dt blockquote address figcaption caption pre "
    "div section article main header footer nav aside ul ol dl table tr form label "
    "button summary details option".split()
)
# A <br> ends a line: addresses and contact details are usually written one item per line.
# libxml2 turns a NUL in the page into U+FFFD, so this one cannot come from the page.
_BREAK = "\x00"
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# Their classes describe the whole page ("ast-no-sidebar", "menu-open"), not a region of it.
_PAGE_TAGS = frozenset(("html", "body"))
_REGION_TAGS = {"header": "header", "nav": "nav", "footer": "footer", "aside": "aside"}
# A class word negated by the theme ("elementor-location-not-footer", "no-sidebar") names the
# region the element is not.
_NOT = r"(?<!not[-_])(?<!non[-_])(?<!no[-_])"
_REGION_HINTS = (
    ("footer", prefiltered(r"(^|[-_ ])" + _NOT + r"(footer|site-info|colophon)", re.I)),
    ("nav", prefiltered(r"(^|[-_ ])" + _NOT + r"(nav|navbar|menu|breadcrumbs?)($|[-_ ])", re.I)),
    # A bare "banner" class is as often a hero image in the body as a cookie notice.
    ("aside", prefiltered(r"(^|[-_ ])" + _NOT + r"(cookie|consent|gdpr|sidebar|popup|modal)", re.I)),
    ("header", prefiltered(r"(^|[-_ ])" + _NOT + r"(site-header|masthead|topbar|top-bar)|(^|\s)header($|\s)", re.I)),
)
# Inside <main> or <article>, a list classed "menu" is a spa's or a clinic's price list.
_CONTENT_MENU = re.compile(r"menu", re.I)
_CONTENT_TAGS = frozenset(("main", "article"))
# CMSs wrap JSON-LD in HTML comments or CDATA markers to hide it from old parsers.
_JSON_WRAPPER = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
# <a href> read straight from the markup, for the crawl to follow (see page_links).
# A quoted value is read up to _MAX_HREF characters: an unclosed quote must not send every
# later href of the tag to the end of the page.
_MAX_HREF = 4096
_HREF = re.compile(
    rf"""<a\s(?:[^>]*?\s)?href\s*=\s*(?:"([^"]{{0,{_MAX_HREF}}})"|'([^']{{0,{_MAX_HREF}}})'|([^\s>"']+))""", re.I
)
_ANCHOR_START = re.compile(r"<a\s", re.I)
# "Fax:" or "F:" written just before a tel: link.
_FAX_LABEL = re.compile(r"(\bfax\b|\bfacsimile\b|\bF\s*[:.])\W{0,12}$", re.I)

# URL path words -> page kind, most specific first.
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("news", ("news", "press", "radio", "podcast", "podcasts", "magazine", "media", "stories")),
    ("blog", ("blog", "blogs", "post", "posts", "article", "articles", "insights", "journal", "resources", "learn", "library")),
    ("faq", ("faq", "faqs", "questions", "frequently-asked-questions")),
    ("contact", ("contact", "contact-us", "book", "appointment", "appointments", "schedule")),
    ("team", ("team", "staff", "providers", "our-providers", "people", "clinicians", "our-team", "meet-the-team", "bio")),
    ("locations", ("locations", "location", "offices", "office", "find-us", "directions")),
    ("pricing", ("pricing", "prices", "cost", "costs", "fees", "insurance", "payment")),
    ("about", ("about", "about-us", "our-story", "who-we-are", "mission", "approach")),
    ("services", ("services", "service", "treatments", "treatment", "ketamine", "therapy", "therapies", "kap",
                  "infusion", "infusions", "spravato", "esketamine", "programs", "program", "conditions",
                  "what-we-treat", "process", "our-process", "how-it-works", "safety", "menu")),
)


def parse_page(html: str | bytes, url: str) -> Page:
    """Read one HTML page into a Page. Never raises on malformed input.

    The pieces below are written not to fail; the last-resort guard keeps one hostile page
    (absurd nesting, an encoding lxml chokes on) from stopping a whole crawl.
    """
    try:
        return _parse_page(html, url)
    except (etree.LxmlError, RecursionError, ValueError, TypeError, AttributeError, LookupError):
        return Page(url=url, kind=page_kind(url, []), problems=["unparsable-html"])


# What one page may cost to read. Every scan here is linear in the page, but a crawl must not
# wait on any one page whatever it holds: past the size budget a page is read up to it, past
# the time budget (CPU seconds) it is read again from its first eighth, and either way the
# cut is counted (ketadir/problems/cut-to-size-budget, cut-to-time-budget).
PARSE_BUDGET_BYTES = 2 * 1024 * 1024
PARSE_BUDGET_SECONDS = 10.0
_BUDGET_TICK_SECONDS = 0.01  # how often an expired budget looks again for ketadir's code (CPU seconds)


def parse_fetched(body: bytes, encoding: str, url: str) -> Page:
    """A fetched or stored body, read in the charset Scrapy found for it (UTF-8 if none),
    within the page budget (PARSE_BUDGET_BYTES, PARSE_BUDGET_SECONDS)."""
    problems = []
    if len(body) > PARSE_BUDGET_BYTES:
        body = body[:PARSE_BUDGET_BYTES]
        problems.append("cut-to-size-budget")
    try:
        page = _within_seconds(PARSE_BUDGET_SECONDS, parse_page, body.decode(encoding or "utf-8", errors="replace"), url)
    except _OverBudget:
        problems.append("cut-to-time-budget")
        try:
            cut = body[: len(body) // 8].decode(encoding or "utf-8", errors="replace")
            page = _within_seconds(PARSE_BUDGET_SECONDS, parse_page, cut, url)
        except _OverBudget:
            page = Page(url=url, kind=page_kind(url, []))
    page.problems += problems
    return page


class _OverBudget(BaseException):
    """A page took longer to read than its time budget (a BaseException, so that no handler
    of the reading code's own errors takes it for one of them)."""


def _within_seconds(seconds: float, work: Any, *args: Any) -> Any:
    """work(*args), stopped with _OverBudget after this many CPU seconds (a profiling timer;
    in the main thread only, where Python runs signal handlers; elsewhere unbounded).

    The budget is raised only where the timer finds ketadir's own code running. Python
    swallows what is raised inside a gc callback, a __del__ or an import, so a tick that lands
    in other code waits for the next tick."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return work(*args)
    working = [True]

    def over_budget(signum: int, frame: Any) -> None:
        if working[0] and frame is not None and frame.f_globals.get("__name__", "").startswith(_OWN_CODE):
            raise _OverBudget

    previous = signal.signal(signal.SIGPROF, over_budget)
    signal.setitimer(signal.ITIMER_PROF, seconds, _BUDGET_TICK_SECONDS)
    try:
        try:
            return work(*args)
        finally:
            working[0] = False  # a tick from here on raises nothing, so the timer is always disarmed
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


_OWN_CODE = __name__.split(".")[0] + "."


def _parse_page(html: str | bytes, url: str) -> Page:
    root = _tree(html)
    if root is None:  # nothing but whitespace or markup lxml drops
        return Page(url=url, kind=page_kind(url, []))
    nodes = _walk(root)
    problems: list[str] = []
    structured = _json_ld(nodes.json_ld, problems) + _microdata(nodes.scopes)
    tel_links, mailto_links = _contact_links(nodes.links)
    return Page(
        url=url,
        kind=page_kind(url, structured),
        title=_clean(_text_of(nodes.title)) if nodes.title is not None else "",
        lang=str(root.get("lang", "")) if root.tag == "html" else "",
        blocks=nodes.blocks,
        structured=structured,
        meta=_meta(nodes.metas),
        logo_alts=_logo_alts(nodes.images),
        tel_links=tel_links,
        mailto_links=mailto_links,
        problems=problems,
    )


def parse_document(body: bytes, url: str, charset: str | None = None) -> Page:
    """A saved or fetched document of unknown kind (`ketadir classify`): HTML if it looks like
    HTML, plain text otherwise.

    HTML is read in the charset its server declared; with none, its bytes are decoded as any
    page of unknown charset is (see _tree). Plain text: its declared charset, else UTF-8,
    else Windows-1252 (what old editors save).
    """
    head = body[:5000].lower()
    if b"<html" in head or b"<body" in head or b"<p" in head or b"<!doctype" in head:
        try:
            return parse_page(body.decode(charset, errors="replace") if charset else body, url)
        except LookupError:  # a charset Python does not know
            return parse_page(body, url)
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return parse_text(body.decode(encoding), url)
            except (UnicodeDecodeError, LookupError):
                continue
    return parse_text(body.decode("cp1252", errors="replace"), url)


def parse_text(text: str, url: str) -> Page:
    """Read a plain-text document (a saved article, a pasted page) into a Page.

    Blank lines separate blocks; a short line without final punctuation is a heading.
    """
    blocks: list[TextBlock] = []
    heading = ""
    for chunk in re.split(r"\n\s*\n", text):
        for line in chunk.splitlines():
            line = _clean(line)
            if not line:
                continue
            if len(line) < 80 and not line.endswith((".", "!", "?", ":", ";", ",")):
                heading = line
                blocks.append(TextBlock(line, "main", "h2", heading))
            else:
                blocks.append(TextBlock(line, "main", "p", heading))
    title = blocks[0].text if blocks else ""
    return Page(url=url, kind=page_kind(url, []), title=title, blocks=blocks)


def page_links(html: str) -> list[str]:
    """Every <a href> of a page, unique and in order, entities decoded, commented-out ones skipped.

    A scan of the markup, not a tree: the crawl process calls this for every page while the
    full parse runs in a worker, and a second tree there cost six times as much
    (bench/RESULTS.md, **links by a markup scan**). It runs in the crawl's event loop, so it
    reads each character a bounded number of times whatever the page holds: each tag is
    scanned once, and a comment is looked for once (one regex over the whole page, retried at
    every "<!--" or "<a " of a page made of them, is quadratic).
    """
    if "<!--" in html:
        html = _without_comments(html)
    found: list[str] = []
    position = 0
    while start := _ANCHOR_START.search(html, position):
        match = _HREF.match(html, start.start())
        if match is not None:
            found.append(unescape(match.group(1) or match.group(2) or match.group(3) or "").strip())
            position = match.end()
            continue
        # No href in this tag: nor in any "<a " inside it, which the same scan covered.
        tag_end = html.find(">", start.end())
        if tag_end < 0:
            break
        position = tag_end + 1
    return list(dict.fromkeys(found))


def _without_comments(html: str) -> str:
    """html with each <!-- ... --> replaced by a space; once a "<!--" is never closed, so is
    none after it, and the rest is left as it is."""
    parts: list[str] = []
    position = 0
    while (start := html.find("<!--", position)) >= 0:
        end = html.find("-->", start + 4)
        if end < 0:
            break
        parts += [html[position:start], " "]
        position = end + 3
    parts.append(html[position:])
    return "".join(parts)


def page_kind(url: str, structured: list[dict[str, Any]] | None = None) -> str:
    """Guess what kind of page a URL is from its path (and an Article JSON-LD type)."""
    for obj in structured or []:
        types = types_of(obj)
        if types & NEWS_TYPES:
            return "news"
        if types & ARTICLE_TYPES:
            return "blog"
    path = urlsplit(url).path.lower()
    stem = re.sub(r"\.(html?|php|aspx?)$", "", path).strip("/")
    if stem in ("", "index", "home", "default"):
        return "home"
    words = set(re.split(r"[/_.]+", stem))
    words |= {w for seg in list(words) for w in seg.split("-")}
    words |= set(stem.split("/"))
    if re.search(r"/(?:19|20)\d\d/\d\d?/", path):
        # A dated path is an article whatever its slug says ("/2021/03/ketamine-therapy").
        return "news" if words & set(_KIND_WORDS[0][1]) else "blog"
    for kind, keys in _KIND_WORDS:
        if words & set(keys):
            return kind
    return "other"


def _clean(text: str) -> str:
    """Whitespace collapsed to single spaces. Text already clean is returned as it is: a space
    is the only whitespace character str.isprintable() accepts, and checking is cheaper than
    splitting a long paragraph into words."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _tree(html: str | bytes) -> etree._Element | None:
    """The lxml tree of the page (None for a page with no elements at all).

    Bytes are decoded the way BeautifulSoup would (BOM, declared charset, then UTF-8 and
    Windows-1252); libxml2 then reads UTF-8, so a page's own charset claim cannot undo that.
    """
    if isinstance(html, bytes):
        from bs4 import UnicodeDammit  # only here: a crawl hands over text it decoded itself

        # Its warning that it replaced bytes it could not decode is the point, not news.
        logging.getLogger("bs4.dammit").setLevel(logging.ERROR)
        html = UnicodeDammit(html, is_html=True).unicode_markup or ""
    data = html.encode("utf-8", errors="replace")
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    parser.feed(data)
    return parser.close()


@dataclass
class _Nodes:
    """Everything the extractors need, gathered in one walk of the tree."""

    blocks: list[TextBlock] = field(default_factory=list)
    json_ld: list[etree._Element] = field(default_factory=list)
    scopes: list[etree._Element] = field(default_factory=list)  # itemscope elements inside no other
    metas: list[etree._Element] = field(default_factory=list)
    links: list[etree._Element] = field(default_factory=list)  # <a href>
    images: list[etree._Element] = field(default_factory=list)  # <img alt>
    title: etree._Element | None = None


# Where a piece of text sits: its nearest block element (None: loose in the document) and
# the outermost page region around it.
_Place = tuple[etree._Element | None, str]
_DOCUMENT: _Place = (None, "main")


class _BlockWriter:
    """Turns the stream of visible strings into TextBlocks, one per block element and line."""

    def __init__(self, blocks: list[TextBlock]) -> None:
        self.blocks = blocks
        self.heading = ""
        self.place: _Place | None = None
        self.parts: list[str] = []

    def text(self, text: str, place: _Place) -> None:
        if text.isspace():
            return
        if self.place is None or place[0] is not self.place[0]:
            self.flush()
            self.place, self.parts = place, []
        self.parts.append(text)

    def line_break(self, place: _Place) -> None:
        if self.place is not None and place[0] is self.place[0]:
            self.parts.append(_BREAK)

    def flush(self) -> None:
        if self.place is None:
            return
        block, region = self.place
        name = block.tag if block is not None else "div"  # loose text in <body>
        joined = self.parts[0] if len(self.parts) == 1 else " ".join(self.parts)
        if name in _HEADINGS:
            text = _clean(joined.replace(_BREAK, " "))
            if text:
                self.heading = text
                self.blocks.append(TextBlock(text, region, name, text))
            return
        for line in joined.split(_BREAK) if _BREAK in joined else (joined,):
            line = _clean(line)
            if line:
                self.blocks.append(TextBlock(line, region, name, self.heading))


def _walk(root: etree._Element) -> _Nodes:
    """One pass over the tree in document order: visible text into blocks, and the elements
    the other extractors read. lxml's iterwalk keeps the descent in C, so absurdly deep
    markup cannot overflow Python's stack."""
    nodes = _Nodes()
    writer = _BlockWriter(nodes.blocks)
    places: list[_Place] = [_DOCUMENT]  # the place of the text inside each open element
    open_content: list[etree._Element] = []  # the <main>, <article> or role="main" elements the walk is inside
    open_scopes: list[etree._Element] = []  # the itemscope elements the walk is inside
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        if event == "end":
            places.pop()
            if open_content and open_content[-1] is element:
                open_content.pop()
            if open_scopes and open_scopes[-1] is element:
                open_scopes.pop()
            if element.tail:
                writer.text(element.tail, places[-1])
            continue
        name = element.tag
        outer = places[-1]
        attributes = element.keys()
        if attributes and "itemscope" in attributes:
            if not open_scopes:  # a nested item is read with the item around it
                nodes.scopes.append(element)
            open_scopes.append(element)
        if name in _INVISIBLE:
            if name == "script":
                if _LD_JSON.search(element.get("type", "")):
                    nodes.json_ld.append(element)
            elif name == "meta":
                nodes.metas.append(element)
            elif name == "title" and nodes.title is None:
                nodes.title = element
            walker.skip_subtree()
            places.append(outer)
            continue
        if name == "a":
            if element.get("href") is not None:
                nodes.links.append(element)
        elif name == "img":
            if element.get("alt") is not None:
                nodes.images.append(element)
        elif name == "br":
            writer.line_break(outer)
        # The place of the text inside: the outermost region wins (a nav inside a footer is
        # footer), and a block element starts a block of its own.
        region = outer[1]
        if region == "main" and name not in _PAGE_TAGS:
            if attributes:
                region = (
                    _region_of(name, element.get("role"), element.get("class"), element.get("id"),
                                bool(open_content))
                    or "main"
                )
            else:
                region = _REGION_TAGS.get(name, "main")
        if name in _CONTENT_TAGS or (attributes and element.get("role") == "main"):
            open_content.append(element)
        if name in _BLOCK_TAGS:
            place = (element, region)
        else:
            place = outer if region == outer[1] else (outer[0], region)
        places.append(place)
        text = element.text
        if text:
            writer.text(text, place)
    writer.flush()
    return nodes


def _text_of(element: etree._Element) -> str:
    return " ".join(element.itertext())


def _classes(element: etree._Element) -> str:
    return element.get("class") or ""


def _json_ld(scripts: list[etree._Element], problems: list[str]) -> list[dict[str, Any]]:
    """All JSON-LD objects on the page, with @graph and top-level lists flattened."""
    found: list[dict[str, Any]] = []
    for script in scripts:
        raw = _JSON_WRAPPER.sub("", script.text or "")
        if not raw or not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            try:  # trailing commas are the commonest hand-written mistake
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw))
            except (ValueError, RecursionError):
                problems.append("broken-json-ld")
                continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                if "@type" in item:
                    found.append(item)
    return found


def _microdata(scopes: list[etree._Element]) -> list[dict[str, Any]]:
    """Top-level schema.org microdata items as JSON-LD-like dicts ("@source": "microdata")."""
    items: list[dict[str, Any]] = []
    for scope in scopes:
        item = _microdata_item(scope)
        item["@source"] = "microdata"
        items.append(item)
    return items


def _microdata_item(scope: etree._Element) -> dict[str, Any]:
    """One item with its nested items; iterative, so deep nesting cannot overflow the stack."""
    root = _new_item(scope)
    pending: list[tuple[etree._Element, dict[str, Any]]] = [(scope, root)]
    while pending:
        item_scope, item = pending.pop()
        stack = deque(_child_elements(item_scope))  # in document order: front first
        while stack:
            node = stack.popleft()
            prop = node.get("itemprop")
            nested = "itemscope" in node.attrib
            if prop:
                if nested:
                    value: Any = _new_item(node)
                    pending.append((node, value))
                else:
                    value = _clean(node.get("content") or node.get("href") or node.get("src") or _text_of(node))
                for name in prop.split():
                    item.setdefault(name, value)
            if not nested:
                stack.extendleft(reversed(_child_elements(node)))
    return root


def _child_elements(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _new_item(scope: etree._Element) -> dict[str, Any]:
    itemtype = (scope.get("itemtype") or "").split()
    name = itemtype[0].rstrip("/").rsplit("/", 1)[-1] if itemtype else ""
    return {"@type": name or "Thing"}


def _meta(tags: list[etree._Element]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for tag in tags:
        key = tag.get("property") or tag.get("name")
        content = tag.get("content")
        if key and content and key.lower() in (
            "og:site_name", "og:title", "og:type", "description", "application-name", "twitter:title"
        ):
            meta.setdefault(key.lower(), _clean(content))
    return meta


def _contact_links(links: list[etree._Element]) -> tuple[list[str], list[str]]:
    tels: list[str] = []
    mails: list[str] = []
    for a in links:
        href = a.get("href", "").strip()
        low = href.lower()
        if low.startswith("tel:"):
            label = f"{_text_of(a)} {_classes(a)}".lower()
            value = href[4:].strip()
            is_fax = "fax" in label or bool(_FAX_LABEL.search(_text_before(a)))
            tels.append(f"{value} fax" if is_fax else value)
        elif low.startswith("mailto:"):
            mails.append(href[7:].split("?", 1)[0].strip())
    return _unique(tels), _unique(mails)


def _text_before(element: etree._Element, limit: int = 40, siblings: int = 8) -> str:
    """The text just before an element inside its parent (where "Fax:" labels sit), from at
    most a few siblings: a run of empty ones (30,000 empty tel: links) is no label, and
    walking all of them for every link made such a page quadratic."""
    before = ""
    sibling = element.getprevious()
    while sibling is not None and len(before) < limit and siblings > 0:
        before = _text_of(sibling) + (sibling.tail or "") + before
        sibling = sibling.getprevious()
        siblings -= 1
    parent = element.getparent()
    if len(before) < limit and sibling is None and parent is not None:  # the parent's text comes first
        before = (parent.text or "") + before
    return _clean(before)[-limit:]


def _logo_alts(images: list[etree._Element]) -> list[str]:
    alts: list[str] = []
    for img in images:
        near = [img, *itertools.islice(img.iterancestors(), 3)]
        hints = " ".join([img.get("src", "")] + [f"{_classes(e)} {e.get('id', '')}" for e in near]).lower()
        if "logo" in hints or "brand" in hints:
            alt = _clean(img.get("alt", ""))
            if alt:
                alts.append(alt)
    return _unique(alts)


@lru_cache(maxsize=4096)
def _region_of(
    name: str, role: str | None, classes: str | None, element_id: str | None, in_content: bool = False
) -> str | None:
    """The page region an element starts, from its tag, ARIA role, or class and id words.

    in_content: the element is inside <main> or <article>, where a "menu" class names a
    list of treatments and prices, not the site's navigation. Cached: a site repeats the same
    few wrappers on every page.
    """
    if name in _REGION_TAGS:
        return _REGION_TAGS[name]
    role = (role or "").lower()
    if role == "navigation":
        return "nav"
    if role == "contentinfo":
        return "footer"
    if role == "banner":
        return "header"
    hints = f"{classes or ''} {element_id or ''}"
    if hints.strip():
        for region, pattern in _REGION_HINTS:
            if region == "main":
                continue
            m = pattern.search(hints)
            if m and (region != "nav" or not in_content or not _CONTENT_MENU.fullmatch(m.group(0).strip("-_ "))):
                return region
    return None


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)
