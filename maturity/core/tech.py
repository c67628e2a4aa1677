"""Naming the software behind a site: content management systems and login providers.

Pure. The gatherer stores raw markers with each page (``DocumentFacts.tech``: generator meta tags,
classes, attribute names, ids, known script globals, asset addresses) beside what other artifacts
already hold (response headers, cookies, request URLs, links, form actions); the signature tables
here turn them into names. Keeping the tables in the core means a new signature applies to stored
crawls by rescoring, with no new visit.

A signature names one product and the markers that only that product leaves. Paths count only on
the page's own host (a Drupal site linking to another Drupal site's files is not Drupal); hosts
count anywhere (a platform's own asset servers). Every marker found is kept as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from maturity.core.model import DocumentFacts, HttpFacts, NetworkFacts


@dataclass(frozen=True)
class Signature:
    name: str
    generator: str = ""  # regular expression on <meta name="generator">
    headers: dict[str, str] = field(default_factory=dict)  # header name -> regular expression on its value
    paths: str = ""  # regular expression on same-host URL paths (and queries)
    hosts: str = ""  # regular expression on the host of any URL
    classes: str = ""  # on the classes of <html> and <body>
    attributes: str = ""  # on data-* attribute names (two words: "data-drupal")
    ids: str = ""  # on element ids
    globals: tuple[str, ...] = ()  # script globals the gatherer probes
    cookies: str = ""  # on cookie names


CMS_SIGNATURES: tuple[Signature, ...] = (
    Signature(
        name="Drupal",
        generator=r"^drupal\b",
        headers={"x-generator": r"drupal", "x-drupal-cache": "", "x-drupal-dynamic-cache": ""},
        paths=r"/sites/[^/]+/(files|themes|modules)/|/core/misc/drupal\.js|/misc/drupal\.js|/modules/contrib/",
        classes=r"\bpath-frontpage\b|\bpage-node-type-",
        attributes=r"^data-drupal$",
        globals=("Drupal", "drupalSettings"),
        cookies=r"^s?sess[0-9a-f]{32}$",
    ),
    Signature(
        name="WordPress",
        generator=r"^wordpress\b",
        headers={"x-pingback": r"xmlrpc\.php", "link": r"api\.w\.org"},
        paths=r"/wp-content/|/wp-includes/|/wp-json/",
        classes=r"\bwp-custom-logo\b|\bpage-template-default\b",
        globals=("wp.emoji", "wpApiSettings"),
        cookies=r"^wordpress_|^wp-settings-",
    ),
    Signature(
        name="Joomla",
        generator=r"^joomla\b",
        paths=r"/media/jui/|/media/system/js/|/components/com_|[?&]option=com_",
        classes=r"\bcom_(content|contact|users|tags)\b",
        globals=("Joomla",),
    ),
    Signature(
        name="Sitecore",
        generator=r"^sitecore\b",
        paths=r"/-/media/|/~/media/|/sitecore/|/layouts/system/",
        globals=("Sitecore",),
        cookies=r"^sc_analytics_global_cookie$|^sxa_site$",
    ),
    Signature(
        name="Adobe Experience Manager",
        generator=r"adobe experience manager|^aem\b",
        headers={"x-dispatcher": "", "x-adobe-content": ""},
        paths=r"/etc\.clientlibs/|/etc/designs/|/content/dam/|/libs/granite/|/libs/cq/",
        attributes=r"^data-cmp$",
        globals=("CQ", "Granite"),
    ),
    Signature(
        name="Squarespace",
        generator=r"squarespace",
        headers={"server": r"^squarespace"},
        hosts=r"(^|\.)(static1\.squarespace\.com|images\.squarespace-cdn\.com|assets\.squarespace\.com)$",
        globals=("Static.SQUARESPACE_CONTEXT",),
    ),
    Signature(
        name="Wix",
        generator=r"^wix\.com",
        headers={"x-wix-request-id": "", "server": r"^pepyaka"},
        hosts=r"(^|\.)(static\.parastorage\.com|static\.wixstatic\.com)$",
        ids=r"^SITE_CONTAINER$",
        globals=("wixBiSession",),
    ),
    Signature(
        name="Granicus govAccess",
        generator=r"govaccess|granicus",
        paths=r"/home/showpublisheddocument|/home/showdocument\?|/imagerepository/document\?|/home/components/",
    ),
    Signature(
        name="CivicPlus CivicEngage",
        generator=r"civicplus|civicengage",
        paths=r"/documentcenter/view/|/civicalerts\.aspx|/agendacenter(/|$)|/formcenter/",
        globals=("CivicPlus",),
    ),
    Signature(
        name="Sitefinity",
        generator=r"^sitefinity\b",
        paths=r"/sitefinity/|/resourcepackages/",
    ),
    Signature(
        name="DNN (DotNetNuke)",
        generator=r"dotnetnuke|^dnn\b",
        paths=r"/desktopmodules/|/portals/\d+/",
        cookies=r"^\.dotnetnuke$|^dnn_",
    ),
    Signature(
        name="Plone",
        generator=r"^plone\b",
        paths=r"/\+\+resource\+\+|/\+\+plone\+\+|/portal_css/",
    ),
)

LOGIN_SIGNATURES: tuple[Signature, ...] = (
    Signature(name="Login.gov", hosts=r"(^|\.)login\.gov$|(^|\.)identitysandbox\.gov$"),
    Signature(name="ID.me", hosts=r"(^|\.)id\.me$"),
    Signature(name="Okta", hosts=r"\.(okta|oktapreview|okta-emea|okta-gov|oktacdn)\.com$"),
    Signature(name="Azure AD B2C", hosts=r"\.b2clogin\.com$"),
    Signature(name="Microsoft Entra ID", hosts=r"^login\.(microsoftonline\.(com|us)|windows\.net)$"),
    Signature(name="Auth0", hosts=r"\.auth0\.com$"),
    Signature(name="Ping Identity", hosts=r"\.(pingone\.(com|eu|asia|ca)|pingidentity\.com)$"),
    Signature(name="Amazon Cognito", hosts=r"\.amazoncognito\.com$"),
    Signature(name="Google", hosts=r"^accounts\.google\.com$"),
    Signature(name="Keycloak", paths=r"/realms/[^/]+/protocol/openid-connect/"),
)


@dataclass(frozen=True)
class Detection:
    name: str
    version: str = ""
    evidence: tuple[str, ...] = ()


_VERSION = re.compile(r"(\d+(?:\.\d+){0,3})")


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _path(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return (parts.path + ("?" + parts.query if parts.query else "")).lower()


def _cookie_names(http: HttpFacts | None) -> list[str]:
    return [c.split("=", 1)[0].strip().lower() for c in (http.set_cookies or []) if "=" in c] if http else []


def page_urls(document: DocumentFacts, network: NetworkFacts | None) -> list[str]:
    """Every address a page names or loaded: links, form actions, images, asset attributes, requests."""
    urls = [link.href for link in document.links] + [f.action for f in document.forms if f.action]
    urls += [i.src for i in document.images]
    if document.tech is not None:
        urls += [urljoin(document.url, a) for a in document.tech.assets if a]
    if network is not None:
        urls += [r.url for r in network.requests]
    return urls


def _parsed(urls: Iterable[str]) -> list[tuple[str, str, str]]:
    """Each address with its host and its lower-cased path and query, worked out once for every signature."""
    return [(url, _host(url), _path(url)) for url in urls]


def _match(
    sig: Signature, document: DocumentFacts, http: HttpFacts | None, urls: Iterable[tuple[str, str, str]]
) -> list[str]:
    """``urls``: the page's addresses as :func:`_parsed` gives them."""
    found: list[str] = []
    tech = document.tech
    generators = list(tech.generator) if tech else []
    if not generators and "generator" in document.meta:
        generators = [document.meta["generator"]]
    if sig.generator:
        found += [f"generator {g!r}" for g in generators if re.search(sig.generator, g, re.IGNORECASE)]
    if http is not None:
        for name, rx in sig.headers.items():
            value = http.headers.get(name)
            if value is not None and (not rx or re.search(rx, value, re.IGNORECASE)):
                found.append(f"header {name}: {value[:80]}")
        if sig.cookies:
            found += [f"cookie {c}" for c in _cookie_names(http) if re.search(sig.cookies, c)][:1]
    if tech is not None:
        found += [f"script global {g}" for g in sig.globals if g in tech.globals]
        if sig.classes and (m := re.search(sig.classes, tech.classes)):
            found.append(f"class {m.group(0)}")
        if sig.attributes:
            found += [f"attribute {a}" for a in tech.attributes if re.search(sig.attributes, a)][:1]
        if sig.ids:
            found += [f"element id {i}" for i in tech.ids if re.search(sig.ids, i)][:1]
    own = _host(document.url)
    path_hit = host_hit = ""
    paths = re.compile(sig.paths) if sig.paths else None
    hosts = re.compile(sig.hosts) if sig.hosts else None
    for url, host, path in urls:
        if paths is not None and not path_hit and host == own and paths.search(path):
            path_hit = url
        if hosts is not None and not host_hit and hosts.search(host):
            host_hit = url
        if (path_hit or paths is None) and (host_hit or hosts is None):
            break
    found += [f"address {u[:120]}" for u in (path_hit, host_hit) if u]
    return found


def _version(sig: Signature, document: DocumentFacts) -> str:
    generators = document.tech.generator if document.tech else [document.meta.get("generator", "")]
    for g in generators:
        if sig.generator and re.search(sig.generator, g or "", re.IGNORECASE):
            m = _VERSION.search(g)
            if m:
                return m.group(1)
    return ""


def detect_cms(document: DocumentFacts, http: HttpFacts | None, network: NetworkFacts | None) -> list[Detection]:
    """The content management systems whose markers the page carries (usually one, sometimes none)."""
    urls = _parsed(page_urls(document, network))
    out = []
    for sig in CMS_SIGNATURES:
        evidence = _match(sig, document, http, urls)
        if evidence:
            out.append(Detection(name=sig.name, version=_version(sig, document), evidence=tuple(evidence)))
    return out


def detect_login(document: DocumentFacts) -> list[Detection]:
    """Login providers the page sends people to: link targets, form actions and framed or scripted assets."""
    urls = [link.href for link in document.links] + [f.action for f in document.forms if f.action]
    if document.tech is not None:
        urls += [urljoin(document.url, a) for a in document.tech.assets if a]
    parsed = _parsed(urls)
    out = []
    for sig in LOGIN_SIGNATURES:
        hosts = re.compile(sig.hosts) if sig.hosts else None
        paths = re.compile(sig.paths) if sig.paths else None
        hits = [
            u
            for u, host, path in parsed
            if (hosts is not None and hosts.search(host)) or (paths is not None and paths.search(path))
        ]
        if hits:
            out.append(Detection(name=sig.name, evidence=tuple(f"address {u[:120]}" for u in hits[:3])))
    return out
