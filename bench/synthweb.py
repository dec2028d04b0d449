"""A deterministic synthetic web of clinic sites for the crawl and parse benchmarks.

Real clinic pages are mostly not text: theme CSS, page-builder wrappers, mega menus, inline
SVG icons and tracking scripts make a 50 KB page carry 3-6 KB of visible words. Parser cost
follows the markup, so the pages here are built the same way (30-80 KB each, 8 pages per
site, JSON-LD on about 40% of sites) around sentences from bench.phrases.

Each site is drawn from its own seeded generator, so web-250 is exactly the first 250 sites
of web-2500 and a rerun writes identical bytes. ``python -m bench.synthweb --sites 50``
writes bench/out/web-50/ for crawler.demo.server to serve.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import phrases
from bench.places import Place, pick_place

GENERATOR_VERSION = 3
OUT = Path(__file__).resolve().parent / "out"
PAGES = ("/", "/services/", "/about/", "/team/", "/contact/", "/faq/", "/pricing/", "/blog/{slug}/")
PAGE_BYTES = (30_000, 80_000)
JSON_LD_SHARE = 0.4


@dataclass(frozen=True)
class SiteSpec:
    host: str
    name: str
    modality: str
    place: Place
    street: str
    phone: str
    email: str
    conditions: tuple[str, ...]
    json_ld: bool
    blog_slug: str

    @property
    def paths(self) -> list[str]:
        return [p.format(slug=self.blog_slug) for p in PAGES]


def site_spec(index: int, seed: int) -> SiteSpec:
    """The index-th site: its own generator, so a site never depends on how many come before."""
    rng = random.Random(f"{seed}:site:{index}")
    modality = rng.choices(list(phrases.MODALITY_WEIGHTS), weights=list(phrases.MODALITY_WEIGHTS.values()))[0]
    name = f"{rng.choice(phrases.NAME_FIRST)} {rng.choice(phrases.NAME_SECOND[modality])}"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    place = pick_place(rng)
    area = f"{rng.randint(201, 989)}"
    title = rng.choice(phrases.BLOG_TITLES)
    return SiteSpec(
        host=f"{slug}-{index:05d}.test",
        name=name,
        modality=modality,
        place=place,
        street=f"{rng.randint(10, 9899)} {rng.choice(phrases.STREETS)}"
        + (f", Suite {rng.randint(100, 450)}" if rng.random() < 0.5 else ""),
        phone=f"({area}) 555-01{rng.randint(0, 99):02d}",
        email=f"{rng.choice(('hello', 'info', 'care', 'frontdesk'))}@{slug}-{index:05d}.test",
        conditions=tuple(rng.sample(list(phrases.CONDITION_WORDS), 4)),
        json_ld=rng.random() < JSON_LD_SHARE,
        blog_slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
    )


# --- sentences -------------------------------------------------------------------------------


def fill(template: str, spec: SiteSpec, rng: random.Random) -> str:
    """A template with the site's city, conditions and prices filled in."""
    words = [phrases.CONDITION_WORDS[c] for c in spec.conditions]
    price = rng.choice((395, 450, 495, 550, 600))
    return template.format(
        city=spec.place.city,
        condition=words[0],
        condition2=words[1],
        condition3=words[2],
        weekday=rng.choice(phrases.WEEKDAYS),
        price=price,
        series=price * 6 - 200,
        consult=rng.choice((95, 150, 200)),
    )


def sentences(bank: tuple[str, ...], count: int, spec: SiteSpec, rng: random.Random) -> list[str]:
    return [fill(t, spec, rng) for t in rng.sample(bank, min(count, len(bank)))]


# --- markup that is not text -----------------------------------------------------------------


def _hex(rng: random.Random, n: int = 6) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def css_rules(rng: random.Random, size: int) -> str:
    """Page-builder CSS: many small rules keyed by element ids."""
    out: list[str] = []
    total = 0
    while total < size:
        rule = (
            f".elementor-element-{_hex(rng)} .elementor-widget-container{{margin:{rng.randint(0, 40)}px 0 "
            f"{rng.randint(0, 40)}px;padding:{rng.randint(0, 24)}px;color:#{_hex(rng)};"
            f"background-color:#{_hex(rng)};border-radius:{rng.randint(0, 12)}px}}"
            f"@media (max-width:{rng.choice((767, 1024))}px){{.elementor-element-{_hex(rng)}{{width:100%}}}}\n"
        )
        out.append(rule)
        total += len(rule)
    return "".join(out)


def script_config(rng: random.Random, size: int) -> str:
    """A theme/analytics configuration object of roughly `size` bytes."""
    config: dict[str, object] = {"version": f"3.{rng.randint(0, 20)}.{rng.randint(0, 9)}", "i18n": {}, "widgets": []}
    widgets: list[object] = []
    total = 0
    while total < size:
        widget = {"id": _hex(rng, 8), "type": rng.choice(("text", "image", "button", "icon-list")),
                  "settings": {"animation": rng.choice(("fadeIn", "none", "slideUp")), "delay": rng.randint(0, 900),
                               "breakpoints": [rng.randint(320, 1400) for _ in range(4)]}}
        widgets.append(widget)
        total += 150
    config["widgets"] = widgets
    return (
        "window.__THEME_CONFIG__ = " + json.dumps(config, separators=(",", ":")) + ";\n"
        "(function(w,d){var s=d.createElement('script');s.async=true;s.src='/assets/analytics.js';"
        "d.head.appendChild(s);w.dataLayer=w.dataLayer||[];})(window,document);"
    )


def svg_icon(rng: random.Random) -> str:
    points = " ".join(f"{rng.uniform(0, 24):.2f} {rng.uniform(0, 24):.2f}" for _ in range(rng.randint(12, 30)))
    return f'<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M{points}Z"/></svg>'


def widget(rng: random.Random, inner: str) -> str:
    """One paragraph as a page builder nests it: column > wrap > element > container."""
    return (
        f'<div class="elementor-column elementor-col-{rng.choice((33, 50, 100))} elementor-top-column" '
        f'data-id="{_hex(rng)}"><div class="elementor-widget-wrap"><div class="elementor-element '
        f'elementor-element-{_hex(rng)} elementor-widget elementor-widget-text-editor" data-id="{_hex(rng)}" '
        f'data-element_type="widget"><div class="elementor-widget-container">{inner}</div></div></div></div>\n'
    )


def section(rng: random.Random, heading: str, paragraphs: list[str], tag: str = "h2") -> str:
    body = widget(rng, f"<{tag}>{html.escape(heading)}</{tag}>")
    body += "".join(widget(rng, f"<p>{html.escape(p)}</p>") for p in paragraphs)
    return (
        f'<section class="elementor-section elementor-top-section" data-id="{_hex(rng)}">'
        f'<div class="elementor-container">{body}</div></section>\n'
    )


# --- page parts ------------------------------------------------------------------------------


def nav(spec: SiteSpec, rng: random.Random) -> str:
    labels = ("Home", "Services", "About", "Our Team", "Contact", "FAQ", "Pricing", "Blog")
    items = []
    for label, path in zip(labels, spec.paths):
        subs = "".join(
            f'<li class="menu-item"><a href="{path}#{_hex(rng, 4)}">{label} {word}</a></li>'
            for word in rng.sample(("overview", "details", "options", "resources", "more"), 3)
        )
        items.append(
            f'<li class="menu-item menu-item-has-children"><a href="{path}">{label}</a>'
            f'<ul class="sub-menu">{subs}</ul></li>'
        )
    menu = "".join(items)
    return f'<nav class="main-navigation" aria-label="Primary"><ul id="menu-primary" class="menu">{menu}</ul></nav>'


def header(spec: SiteSpec, rng: random.Random) -> str:
    return (
        '<div class="cookie-consent-banner"><p>We use cookies to understand how visitors use this site.</p>'
        '<button class="cookie-accept">Accept</button></div>\n'
        f'<header class="site-header" role="banner"><div class="site-logo"><a href="/">'
        f'<img class="custom-logo" src="/wp-content/uploads/logo-{_hex(rng)}.png" '
        f'alt="{html.escape(spec.name)}"></a></div>{nav(spec, rng)}'
        f'<a class="header-phone" href="tel:{_digits(spec.phone)}">{spec.phone}</a></header>\n'
    )


def _digits(phone: str) -> str:
    return re.sub(r"[^0-9]", "", phone)


def footer(spec: SiteSpec, rng: random.Random) -> str:
    p = spec.place
    social = "".join(
        f'<a href="https://www.{s}.com/" class="social-{s}">{svg_icon(rng)}</a>'
        for s in ("facebook", "instagram", "linkedin")
    )
    links = "".join(
        f'<li><a href="{path}">{path.strip("/").split("/")[0].title() or "Home"}</a></li>' for path in spec.paths
    )
    return (
        f'<footer class="site-footer" role="contentinfo"><div class="footer-widgets">'
        f'<div class="footer-contact"><p>{html.escape(spec.name)}<br>{html.escape(spec.street)}<br>'
        f"{html.escape(p.city)}, {p.state} {p.zip}</p>"
        f'<p><a href="tel:{_digits(spec.phone)}">{spec.phone}</a> | '
        f'<a href="mailto:{spec.email}">{spec.email}</a></p></div>'
        f'<ul class="footer-menu">{links}</ul><div class="social">{social}</div></div>'
        f'<p class="copyright">&copy; 2025 {html.escape(spec.name)}. All rights reserved.</p></footer>\n'
    )


def json_ld(spec: SiteSpec) -> str:
    kind = "NewsMediaOrganization" if spec.modality == "not-a-provider" else "MedicalClinic"
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "name": spec.name,
        "url": f"http://{spec.host}/",
        "telephone": spec.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": spec.street,
            "addressLocality": spec.place.city,
            "addressRegion": spec.place.state,
            "postalCode": spec.place.zip,
        },
    }
    return f'<script type="application/ld+json">{json.dumps(data)}</script>\n'


def team(spec: SiteSpec, rng: random.Random) -> list[str]:
    people = []
    for i in range(rng.randint(3, 5)):
        person = f"{rng.choice(phrases.FIRST_NAMES)} {rng.choice(phrases.LAST_NAMES)}"
        if spec.modality == "not-a-provider":
            people.append(f"{person} is a staff writer covering mental health research and policy.")
        elif spec.modality == "kap" and i > 0:
            credential = rng.choice(phrases.THERAPIST_CREDENTIALS)
            people.append(f"{person}, {credential}, is one of our therapists and leads preparation and integration.")
        else:
            credential, years = rng.choice(phrases.PRESCRIBER_CREDENTIALS), rng.randint(5, 25)
            people.append(f"{person}, {credential}, has cared for patients in {spec.place.city} for {years} years.")
    return people


def main_content(spec: SiteSpec, path: str, rng: random.Random) -> str:
    """The visible words of one page, as page-builder sections."""
    offers = phrases.OFFERS[spec.modality]
    provider = spec.modality != "not-a-provider"
    conditions = [fill(rng.choice(phrases.CONDITION_SENTENCES), spec, rng)] if provider else []
    if path == "/":
        parts = [section(rng, spec.name, sentences(offers, 3, spec, rng) + conditions, "h1"),
                 section(rng, "How it works", sentences(phrases.EXPLAINERS, 2, spec, rng)),
                 section(rng, "What people say", sentences(phrases.TESTIMONIALS, 3, spec, rng), "h3")]
    elif path == "/services/":
        parts = [section(rng, "Our services" if provider else "Topics we cover", sentences(offers, 5, spec, rng)),
                 section(rng, "Conditions", conditions + sentences(phrases.EXPLAINERS, 2, spec, rng))]
    elif path == "/about/":
        about = sentences(phrases.GENERAL, 3, spec, rng) + sentences(offers, 2, spec, rng)
        parts = [section(rng, f"About {spec.name}", about)]
    elif path == "/team/":
        parts = [section(rng, "Our team", team(spec, rng), "h2")]
    elif path == "/contact/":
        p = spec.place
        parts = [section(rng, "Contact us", [f"Visit us at {spec.street}, {p.city}, {p.state} {p.zip}.",
                                             f"Call {spec.phone} or email {spec.email}.",
                                             "Office hours are Monday to Friday, 8am to 5pm."]),
                 '<form class="contact-form" action="/contact/"><label>Name <input name="name"></label>'
                 '<label>Email <input name="email"></label><textarea name="message"></textarea>'
                 '<button type="submit">Send</button></form>\n']
    elif path == "/faq/":
        pairs = rng.sample(phrases.FAQ, 4)
        parts = [widget(rng, f"<h3>{html.escape(q)}</h3><p>{html.escape(a)}</p>") for q, a in pairs]
        parts.append(section(rng, "More about ketamine", sentences(phrases.EXPLAINERS, 2, spec, rng)))
    elif path == "/pricing/":
        fees = sentences(phrases.PRICES, 3, spec, rng) + sentences(phrases.GENERAL, 2, spec, rng)
        parts = [section(rng, "Fees", fees)]
    else:
        title = spec.blog_slug.replace("-", " ").capitalize()
        byline = f"By {rng.choice(phrases.FIRST_NAMES)} {rng.choice(phrases.LAST_NAMES)}"
        parts = [f"<article class=\"post\"><h1>{html.escape(title)}</h1><p class=\"byline\">{byline}</p>\n",
                 section(rng, "The short version", sentences(phrases.EXPLAINERS, 4, spec, rng)),
                 section(rng, "Our take", sentences(offers, 1, spec, rng) + sentences(phrases.GENERAL, 2, spec, rng)),
                 "</article>\n"]
    return "".join(parts)


def filler_section(spec: SiteSpec, rng: random.Random) -> str:
    """Visible padding real pages carry: testimonial cards with icons and related-post teasers."""
    cards = "".join(
        f'<div class="card">{svg_icon(rng)}<blockquote>{html.escape(rng.choice(phrases.TESTIMONIALS))}</blockquote>'
        f'<a class="read-more" href="{rng.choice(spec.paths)}">Read more</a></div>'
        for _ in range(3)
    )
    return widget(rng, f'<div class="cards">{cards}</div>')


def render_page(spec: SiteSpec, path: str, seed: int) -> str:
    """One complete page of about its drawn size; the same bytes for the same (spec, path, seed)."""
    rng = random.Random(f"{seed}:page:{spec.host}:{path}")
    target = rng.randint(*PAGE_BYTES)
    title = f"{spec.name} | {spec.place.city}, {spec.place.state}"
    structured = json_ld(spec) if spec.json_ld and path in ("/", "/contact/") else ""
    body = header(spec, rng) + '<div id="content" class="site-content"><main class="site-main">'
    body += main_content(spec, path, rng)
    tail = "</main></div>\n" + footer(spec, rng)
    fixed = len(body) + len(tail) + 1500
    remaining = max(0, target - fixed)
    visible = ""
    while len(visible) < remaining * 0.5:
        visible += filler_section(spec, rng)
    style = css_rules(rng, int(remaining * 0.3))
    script = script_config(rng, max(0, remaining - len(visible) - len(style)))
    return (
        f'<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{html.escape(title)}</title>\n'
        f'<meta property="og:site_name" content="{html.escape(spec.name)}">\n'
        f'<meta name="description" content="{html.escape(fill(phrases.OFFERS[spec.modality][0], spec, rng))}">\n'
        f'<link rel="stylesheet" href="/wp-content/themes/clinic/style.css">\n{structured}'
        f'<style id="elementor-frontend-inline-css">\n{style}</style>\n</head>\n'
        f'<body class="page-template-default">\n'
        f"{body}{visible}{tail}<script>{script}</script>\n</body>\n</html>\n"
    )


# --- writing the web -------------------------------------------------------------------------


@dataclass
class Web:
    """A written synthetic web: its folder, its sites and their pages."""

    root: Path
    sites: list[SiteSpec]
    bytes: int

    @property
    def pages(self) -> int:
        return sum(len(s.paths) for s in self.sites)

    def file_for(self, spec: SiteSpec, path: str) -> Path:
        """The file that answers for path: /x/ is x/index.html."""
        site_dir = self.root / spec.host
        return site_dir / path.strip("/") / "index.html" if path != "/" else site_dir / "index.html"

    def seeds(self, limit: int | None = None) -> list[str]:
        return [f"http://{s.host}/" for s in self.sites[:limit]]

    def urls(self, limit: int | None = None) -> list[str]:
        """Every page URL, round-robin over sites (page 1 of each site, then page 2...)."""
        sites = self.sites[:limit]
        return [f"http://{s.host}{s.paths[i]}" for i in range(len(PAGES)) for s in sites]


def sitemap(spec: SiteSpec) -> str:
    entries = "".join(f"<url><loc>http://{spec.host}{path}</loc></url>" for path in spec.paths)
    namespace = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{namespace}">{entries}</urlset>\n'


def write_web(n_sites: int, seed: int = 1, out: Path = OUT) -> Web:
    """bench/out/web-<n>/: reused when its manifest says the same generator, size and seed wrote it."""
    root = out / f"web-{n_sites}"
    manifest = root / "manifest.json"
    key = {"generator": GENERATOR_VERSION, "sites": n_sites, "seed": seed}
    sites = [site_spec(i, seed) for i in range(n_sites)]
    if manifest.is_file():
        saved = json.loads(manifest.read_text())
        if saved.get("key") == key:
            return Web(root, sites, saved["bytes"])
    if root.exists():
        shutil.rmtree(root)
    web = Web(root, sites, 0)
    for spec in sites:
        site_dir = root / spec.host
        (site_dir).mkdir(parents=True)
        (site_dir / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: http://{spec.host}/sitemap.xml\n")
        (site_dir / "sitemap.xml").write_text(sitemap(spec))
        for path in spec.paths:
            data = render_page(spec, path, seed).encode()
            target = web.file_for(spec, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            web.bytes += len(data)
    labels = [{"host": s.host, **{k: v for k, v in asdict(s).items() if k in ("modality", "name")}} for s in sites]
    manifest.write_text(json.dumps({"key": key, "bytes": web.bytes, "sites": labels}, indent=1))
    return web


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthweb", description="Write a synthetic clinic web.")
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    web = write_web(args.sites, args.seed)
    print(f"{web.root}: {len(web.sites)} sites, {web.pages} pages, {web.bytes / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
