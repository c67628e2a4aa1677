"""A benchmark site that looks like real agency pages, not light generated ones (issue 21).

`python bench/run.py --site heavy` audits it. Every page carries what makes real state pages slow
to render and to audit: a multi-megabyte photo (incompressible PNG), two web-font files, a
third-party-like tag served from another host name (``localhost`` on a second port, so it is
third party to ``127.0.0.1`` while staying on this machine), a long HTML table, a form of ten
fields, an iframe of a map page, and a service-alert banner inserted 800 ms after load (a late
layout shift). One page in ten is a dashboard whose script runs a 400 ms main-thread task after
first paint. Bytes are made once per site and served from memory.
"""

from __future__ import annotations

import random
import struct
import zlib

__all__ = ["add_site_files", "build_heavy_site", "tag_files"]

FONT_BYTES = 120_000  # about a WOFF2 latin family member; the browser downloads it whatever it holds


def noise_png(width: int, height: int, seed: int) -> bytes:
    """An RGB PNG of random pixels: it does not compress, so its bytes are about width × height × 3."""
    rng = random.Random(seed)
    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


CSS = """
@font-face { font-family: "Agency Sans"; src: url(/fonts/agency-sans.woff2) format("woff2"); font-display: swap; }
@font-face { font-family: "Agency Serif"; src: url(/fonts/agency-serif.woff2) format("woff2"); font-display: swap; }
body { font-family: "Agency Sans", system-ui, sans-serif; margin: 0; line-height: 1.5; color: #1b1b1b; }
h1, h2 { font-family: "Agency Serif", Georgia, serif; }
header, footer { background: #112e51; color: #fff; padding: 1rem; }
header a, footer a { color: #fff; margin-right: 1rem; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
.hero { width: 100%; height: auto; display: block; }
.alert { background: #fef0c8; padding: 1.5rem; border-left: 8px solid #ffbe2e; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #aaa; padding: .4rem; }
label { display: block; margin-top: .6rem; } input, select { font-size: 1rem; padding: .4rem; }
iframe { width: 100%; height: 300px; border: 0; }
"""

BANNER_JS = """
setTimeout(() => {
  const bar = document.createElement('div');
  bar.className = 'alert';
  bar.setAttribute('role', 'region');
  bar.setAttribute('aria-label', 'Service alert');
  bar.innerHTML = '<p><strong>Service alert:</strong> offices close early on Friday for maintenance.</p>';
  document.body.insertBefore(bar, document.body.firstChild);
}, 800);
"""

DASHBOARD_JS = """
requestAnimationFrame(() => setTimeout(() => {
  const end = performance.now() + 400;
  let x = 0;
  while (performance.now() < end) { x += Math.sqrt(x + 1); }
  document.getElementById('dashboard-total').textContent = String(Math.round(x) % 1000);
}, 0));
"""

TAG_JS = """
(function () {
  window.agencyTag = { events: [] };
  for (let i = 0; i < 20000; i++) { window.agencyTag.events.push({ i: i, t: Date.now() }); }
  const img = new Image(); img.src = location.protocol + '//' + document.currentScript.src.split('/')[2] + '/pixel.gif';
})();
"""


def _table(rows: int) -> str:
    body = "".join(
        f"<tr><th scope='row'>Step {i + 1}</th><td>Complete form {i + 1} and attach the documents listed.</td>"
        f"<td>{5 + i} business days</td></tr>"
        for i in range(rows)
    )
    return (
        "<table><caption>How to apply, step by step</caption><thead><tr><th scope='col'>Step</th>"
        f"<th scope='col'>What to do</th><th scope='col'>How long</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _form() -> str:
    fields = "".join(
        f"<label for='f{i}'>Field {i + 1} of the application</label><input id='f{i}' name='f{i}' autocomplete='off'>"
        for i in range(9)
    )
    return (
        "<form action='/apply' method='post'><h2>Apply online</h2>"
        f"{fields}<label for='county'>County</label><select id='county' name='county'>"
        + "".join(f"<option>County {c}</option>" for c in range(40))
        + "</select><button type='submit'>Continue</button></form>"
    )


def page(i: int, total: int, tag_origin: str) -> str:
    nav = "".join(f"<a href='/p{j}.html'>Section {j}</a>" for j in range(0, min(total, 40), 5))
    links = "".join(f"<li><a href='/p{j}.html'>Service {j}</a></li>" for j in range(i + 1, min(total, i + 6)))
    dashboard = (
        "<h2>Dashboard</h2><p>Total requests this week: <span id='dashboard-total'>…</span></p>"
        f"<script>{DASHBOARD_JS}</script>"
        if i % 10 == 3
        else ""
    )
    title = "Home | Heavy Agency" if i == 0 else f"Service {i} | Heavy Agency"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><meta name='description' content='Service {i} of the heavy benchmark agency.'>"
        "<link rel='stylesheet' href='/site.css'>"
        f"<script src='{tag_origin}/tag.js' async></script><script src='/banner.js' defer></script></head>"
        "<body><a href='#main'>Skip to main content</a>"
        f"<header><p>Heavy Agency</p><nav aria-label='Main'>{nav}</nav></header>"
        f"<main id='main'><h1>{title.split(' |')[0]}</h1>"
        f"<img class='hero' src='/photos/hero-{i % 8}.png' alt='Staff at the service counter' width='1600' "
        "height='700'>"
        f"<h2>Overview</h2><p>{'Residents can apply online for permits and licences. ' * 12}</p>"
        f"<ul>{links}</ul>{dashboard}{_table(10)}{_form()}"
        "<h2>Find an office</h2><iframe src='/map.html' title='Map of the offices'></iframe></main>"
        "<footer><a href='/p0.html'>Home</a><a href='/privacy.html'>Privacy</a>"
        "<a href='/accessibility.html'>Accessibility</a><a href='/contact.html'>Contact</a></footer></body></html>"
    )


def build_heavy_site(total: int, origin: str, tag_origin: str) -> dict[str, tuple[bytes, str]]:
    """Every file of a ``total``-page heavy site: path -> (bytes, content type)."""
    files: dict[str, tuple[bytes, str]] = {
        "/site.css": (CSS.encode(), "text/css"),
        "/banner.js": (BANNER_JS.encode(), "text/javascript"),
        "/fonts/agency-sans.woff2": (random.Random(1).randbytes(FONT_BYTES), "font/woff2"),
        "/fonts/agency-serif.woff2": (random.Random(2).randbytes(FONT_BYTES), "font/woff2"),
        "/map.html": (
            b"<!doctype html><html lang='en'><title>Map</title><body><img src='/photos/hero-0.png' "
            b"alt='Map of the offices' width='600' height='300'></body></html>",
            "text/html; charset=utf-8",
        ),
        "/robots.txt": (f"User-agent: *\nAllow: /\nSitemap: {origin}/sitemap.xml\n".encode(), "text/plain"),
    }
    for k in range(8):  # about 1.7 MB each: eight distinct photos, shared by the pages like a real image library
        files[f"/photos/hero-{k}.png"] = (noise_png(800, 700, k), "image/png")
    for i in range(total):
        files[f"/p{i}.html"] = (page(i, total, tag_origin).encode(), "text/html; charset=utf-8")
    add_site_files(files, total, origin)
    return files


def add_site_files(files: dict[str, tuple[bytes, str]], total: int, origin: str) -> None:
    """What both benchmark sites add around their pages ``/p0.html``..: a sitemap listing every page
    (like most agency sites, so a 1,000-page crawl reaches them all), the home page at ``/`` and the
    privacy, accessibility and contact pages."""
    locs = "".join(f"<url><loc>{origin}/p{i}.html</loc></url>" for i in range(total))
    files["/sitemap.xml"] = (
        f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"{locs}</urlset>".encode(),
        "application/xml",
    )
    files["/"] = files["/p0.html"]
    for extra in ("privacy", "accessibility", "contact"):
        files[f"/{extra}.html"] = files["/p1.html"] if total > 1 else files["/p0.html"]


def tag_files() -> dict[str, tuple[bytes, str]]:
    """The third-party-like host: its tag and the pixel the tag loads."""
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
        b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    return {"/tag.js": (TAG_JS.encode(), "text/javascript"), "/pixel.gif": (gif, "image/gif")}
