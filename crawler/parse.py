"""HTML -> Page: pure functions, one BeautifulSoup parse per page.

Structured data (JSON-LD, microdata) is read first, text second, as alltheplaces does.
Text comes out as blocks that remember where they sat (main text, nav, footer...), so
classification can tell an offer in the body from a menu label, and contact extraction
can find the address that only appears in the footer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from bs4.builder import ParserRejectedMarkup

from crawler.items import Page, TextBlock

# Elements whose text is never shown to a reader. Not <head> as a whole: lxml moves a
# <header>/<footer> that comes before any <body> tag into <head>, and that text is visible.
# Cut from the markup before parsing (JSON-LD scripts stay: they are read first).
_CUT = (
    r"<!--.*?-->|<(style|svg|noscript|template)\b[^>]*>.*?</\1\s*>|"
    r"<script\b(?![^>]*ld\+json)[^>]*>.*?</script\s*>"
)
_CUT_TEXT = re.compile(_CUT, re.S | re.I)
_CUT_BYTES = re.compile(_CUT.encode(), re.S | re.I)
_LD_JSON = re.compile(r"ld\+json", re.I)
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "iframe", "object", "title", "meta", "link", "base")
# Elements that start a new block of text.
_BLOCK_TAGS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 td th dd dt blockquote address figcaption caption pre "
    "div section article main header footer nav aside ul ol dl table tr form label "
    "button summary details option".split()
)
# A <br> ends a line: addresses and contact details are usually written one item per line.
_BREAK = "\x00"


# Strings in the tree that are markup, not text a reader sees.
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_REGION_TAGS = {"header": "header", "nav": "nav", "footer": "footer", "aside": "aside"}
_REGION_HINTS = (
    ("footer", re.compile(r"(^|[-_ ])(footer|site-info|colophon)", re.I)),
    ("nav", re.compile(r"(^|[-_ ])(nav|navbar|menu|breadcrumbs?)($|[-_ ])", re.I)),
    # A bare "banner" class is as often a hero image in the body as a cookie notice.
    ("aside", re.compile(r"(^|[-_ ])(cookie|consent|gdpr|sidebar|popup|modal)", re.I)),
    ("header", re.compile(r"(^|[-_ ])(site-header|masthead|topbar|top-bar)|(^|\s)header($|\s)", re.I)),
)
_WS = re.compile(r"\s+")
# CMSs wrap JSON-LD in HTML comments or CDATA markers to hide it from old parsers.
_JSON_WRAPPER = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
# "Fax:" or "F:" written just before a tel: link.
_FAX_LABEL = re.compile(r"(\bfax\b|\bfacsimile\b|\bF\s*[:.])\W{0,12}$", re.I)

# URL path words -> page kind, most specific first.
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("news", ("news", "press", "radio", "programs", "podcast", "podcasts", "magazine", "media", "stories")),
    ("blog", ("blog", "blogs", "post", "posts", "article", "articles", "insights", "journal", "resources", "learn", "library")),
    ("faq", ("faq", "faqs", "questions", "frequently-asked-questions")),
    ("contact", ("contact", "contact-us", "book", "appointment", "appointments", "schedule")),
    ("team", ("team", "staff", "providers", "our-providers", "people", "clinicians", "our-team", "meet-the-team", "bio")),
    ("locations", ("locations", "location", "offices", "office", "find-us", "directions")),
    ("pricing", ("pricing", "prices", "cost", "costs", "fees", "insurance", "payment")),
    ("about", ("about", "about-us", "our-story", "who-we-are", "mission", "approach")),
    ("services", ("services", "service", "treatments", "treatment", "ketamine", "therapy", "therapies", "kap",
                  "infusion", "infusions", "spravato", "esketamine", "programs", "program", "conditions",
                  "what-we-treat", "process", "our-process", "how-it-works", "safety")),
)
_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "reportage", "socialmediaposting"}


def parse_page(html: str | bytes, url: str) -> Page:
    """Read one HTML page into a Page. Never raises on malformed input.

    The pieces below are written not to fail; the last-resort guard keeps one hostile page
    (absurd nesting, an encoding lxml chokes on) from stopping a whole crawl.
    """
    try:
        return _parse_page(html, url)
    except (ParserRejectedMarkup, RecursionError, ValueError, TypeError, AttributeError, LookupError):
        return Page(url=url, kind=page_kind(url, []), problems=["unparsable-html"])


def _parse_page(html: str | bytes, url: str) -> Page:
    soup = BeautifulSoup(_cut_invisible(html), "lxml")
    nodes = _collect(soup)
    problems: list[str] = []
    structured = _json_ld(nodes.json_ld, problems) + _microdata(nodes.scopes)
    meta = _meta(nodes.metas)
    title = _clean(nodes.title.get_text(" ")) if nodes.title is not None else ""
    lang = str(nodes.html.get("lang", "")) if nodes.html is not None else ""
    tel_links, mailto_links = _contact_links(nodes.links)
    logo_alts = _logo_alts(nodes.images)
    for tag in nodes.invisible:
        if tag.parent is not None:  # not already gone with an invisible ancestor
            tag.decompose()
    return Page(
        url=url,
        kind=page_kind(url, structured),
        title=title,
        lang=lang,
        blocks=_blocks(soup),
        structured=structured,
        meta=meta,
        logo_alts=logo_alts,
        tel_links=tel_links,
        mailto_links=mailto_links,
        problems=problems,
    )


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


def page_kind(url: str, structured: list[dict[str, Any]] | None = None) -> str:
    """Guess what kind of page a URL is from its path (and an Article JSON-LD type)."""
    for obj in structured or []:
        types = {t.lower() for t in _types(obj)}
        if types & {"newsarticle", "reportage"}:
            return "news"
        if types & _ARTICLE_TYPES:
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
    return _WS.sub(" ", text).strip()


def _types(obj: dict[str, Any]) -> list[str]:
    value = obj.get("@type", [])
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _cut_invisible(html: str | bytes) -> str | bytes:
    """Remove scripts (but JSON-LD), styles, SVG and comments from the markup itself.

    They are a large share of real pages and BeautifulSoup would build objects for all of it
    only for us to throw them away.
    """
    if isinstance(html, bytes):
        return _CUT_BYTES.sub(b" ", html)
    return _CUT_TEXT.sub(" ", html)


@dataclass
class _Nodes:
    """Every element the extractors need, gathered in one walk of the tree (bs4's find_all
    runs its filter machinery over the whole tree on each call)."""

    json_ld: list[Tag] = field(default_factory=list)
    scopes: list[Tag] = field(default_factory=list)  # itemscope elements
    metas: list[Tag] = field(default_factory=list)
    links: list[Tag] = field(default_factory=list)  # <a href>
    images: list[Tag] = field(default_factory=list)  # <img alt>
    invisible: list[Tag] = field(default_factory=list)
    title: Tag | None = None
    html: Tag | None = None


def _collect(soup: BeautifulSoup) -> _Nodes:
    nodes = _Nodes()
    for node in soup.descendants:
        if not isinstance(node, Tag):
            continue
        name = node.name
        attrs = node.attrs
        if "itemscope" in attrs:
            nodes.scopes.append(node)
        if name == "a":
            if "href" in attrs:
                nodes.links.append(node)
        elif name == "img":
            if "alt" in attrs:
                nodes.images.append(node)
        elif name == "script" and _LD_JSON.search(str(attrs.get("type", ""))):
            nodes.json_ld.append(node)
            nodes.invisible.append(node)
        elif name in _INVISIBLE:
            nodes.invisible.append(node)
            if name == "meta":
                nodes.metas.append(node)
            elif name == "title" and nodes.title is None:
                nodes.title = node
        elif name == "html" and nodes.html is None:
            nodes.html = node
    return nodes


def _json_ld(scripts: list[Tag], problems: list[str]) -> list[dict[str, Any]]:
    """All JSON-LD objects on the page, with @graph and top-level lists flattened."""
    found: list[dict[str, Any]] = []
    for script in scripts:
        raw = _JSON_WRAPPER.sub("", script.string or script.get_text())
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


def _microdata(scopes: list[Tag]) -> list[dict[str, Any]]:
    """Top-level schema.org microdata items as JSON-LD-like dicts ("@source": "microdata")."""
    items: list[dict[str, Any]] = []
    for scope in scopes:
        if scope.find_parent(attrs={"itemscope": True}) is not None:
            continue
        item = _microdata_item(scope)
        item["@source"] = "microdata"
        items.append(item)
    return items


def _microdata_item(scope: Tag) -> dict[str, Any]:
    """One item with its nested items; iterative, so deep nesting cannot overflow the stack."""
    root = _new_item(scope)
    pending: list[tuple[Tag, dict[str, Any]]] = [(scope, root)]
    while pending:
        item_scope, item = pending.pop()
        stack: list[Tag] = [c for c in item_scope.children if isinstance(c, Tag)]
        while stack:
            node = stack.pop(0)
            prop = node.get("itemprop")
            nested = node.has_attr("itemscope")
            if prop:
                if nested:
                    value: Any = _new_item(node)
                    pending.append((node, value))
                else:
                    value = _clean(
                        str(node.get("content") or node.get("href") or node.get("src") or "")
                        or node.get_text(" ")
                    )
                for name in str(prop if isinstance(prop, str) else " ".join(prop)).split():
                    item.setdefault(name, value)
            if not nested:
                stack[0:0] = [c for c in node.children if isinstance(c, Tag)]
    return root


def _new_item(scope: Tag) -> dict[str, Any]:
    itemtype = str(scope.get("itemtype", "")).split()
    name = itemtype[0].rstrip("/").rsplit("/", 1)[-1] if itemtype else ""
    return {"@type": name or "Thing"}


def _meta(tags: list[Tag]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for tag in tags:
        key = tag.get("property") or tag.get("name")
        content = tag.get("content")
        if key and content and str(key).lower() in (
            "og:site_name", "og:title", "og:type", "description", "application-name", "twitter:title"
        ):
            meta.setdefault(str(key).lower(), _clean(str(content)))
    return meta


def _contact_links(links: list[Tag]) -> tuple[list[str], list[str]]:
    tels: list[str] = []
    mails: list[str] = []
    for a in links:
        href = str(a["href"]).strip()
        low = href.lower()
        if low.startswith("tel:"):
            label = _clean(a.get_text(" ") + " " + " ".join(a.get("class", [])))
            value = href[4:].strip()
            is_fax = "fax" in label.lower() or bool(_FAX_LABEL.search(_text_before(a)))
            tels.append(f"{value} fax" if is_fax else value)
        elif low.startswith("mailto:"):
            mails.append(href[7:].split("?", 1)[0].strip())
    return _unique(tels), _unique(mails)


def _text_before(tag: Tag, limit: int = 40) -> str:
    """The text just before a tag inside its parent (where "Fax:" labels sit)."""
    before = ""
    for sibling in tag.previous_siblings:
        before = (sibling.get_text(" ") if isinstance(sibling, Tag) else str(sibling)) + before
        if len(before) >= limit:
            break
    return _clean(before)[-limit:]


def _logo_alts(images: list[Tag]) -> list[str]:
    alts: list[str] = []
    for img in images:
        hints = " ".join(
            [str(img.get("src", "")), " ".join(img.get("class", [])), str(img.get("id", ""))]
            + [" ".join(p.get("class", [])) + " " + str(p.get("id", "")) for p in img.parents if isinstance(p, Tag)][:3]
        ).lower()
        if "logo" in hints or "brand" in hints:
            alt = _clean(str(img["alt"]))
            if alt:
                alts.append(alt)
    return _unique(alts)


def _region_of(tag: Tag) -> str | None:
    if tag.name in _REGION_TAGS:
        return _REGION_TAGS[tag.name]
    role = str(tag.get("role", "")).lower()
    if role == "navigation":
        return "nav"
    if role == "contentinfo":
        return "footer"
    if role == "banner":
        return "header"
    attrs = " ".join(tag.get("class", []) or []) + " " + str(tag.get("id", ""))
    if attrs.strip():
        for region, pattern in _REGION_HINTS:
            if pattern.search(attrs):
                return region
    return None


def _blocks(soup: BeautifulSoup) -> list[TextBlock]:
    """Visible text grouped by its nearest block element, in document order.

    Iterative (no recursion), so pathologically deep markup cannot overflow the stack.
    """
    blocks: list[TextBlock] = []
    heading = ""
    current: Tag | None = None
    parts: list[str] = []
    region_cache: dict[int, str] = {}

    def flush() -> None:
        nonlocal heading
        if current is None:
            return
        if current.name in _HEADINGS:
            text = _clean(" ".join(parts).replace(_BREAK, " "))
            if text:
                heading = text
                blocks.append(TextBlock(text, _region(current, region_cache), current.name, heading))
            return
        lines = " ".join(parts).split(_BREAK)
        tag = current.name if current.name in _BLOCK_TAGS else "div"  # loose text in <body>
        for line in (_clean(x) for x in lines):
            if line:
                blocks.append(TextBlock(line, _region(current, region_cache), tag, heading))

    for string in soup.descendants:
        if isinstance(string, Tag):
            if string.name == "br" and _block_of(string) is current:
                parts.append(_BREAK)  # a <br> ends a line
            continue
        if isinstance(string, _NOT_TEXT) or not string.strip():
            continue
        block = _block_of(string)
        if block is not current:
            flush()
            current, parts = block, []
        parts.append(str(string))
    flush()
    return blocks


def _block_of(string: NavigableString | Tag) -> Tag | None:
    """The nearest block element holding a piece of text (the document itself for loose text)."""
    block = string.parent
    while block is not None and block.parent is not None and block.name not in _BLOCK_TAGS:
        block = block.parent
    return block


def _region(tag: Tag, cache: dict[int, str]) -> str:
    """The outermost page region (header/nav/footer/aside) a tag sits in, else main."""
    chain: list[Tag] = []
    node: Any = tag
    found = "main"
    while isinstance(node, Tag):
        if id(node) in cache:
            found = cache[id(node)]
            break
        chain.append(node)
        node = node.parent
    # Walk from the outside in: the outermost region wins (a nav inside a footer is footer).
    for node in reversed(chain):
        if found == "main":
            found = _region_of(node) or "main"
        cache[id(node)] = found
    return found


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)
