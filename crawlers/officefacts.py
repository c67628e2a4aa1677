"""A Word, PowerPoint or Excel file's accessibility facts, read from its Office Open XML parts.

The file is a ZIP of XML parts (ISO/IEC 29500). Only the parts needed are read, each at most
``MAX_PART_BYTES`` once inflated (the ZIP's own sizes are checked before anything is inflated, and
the read stops at the cap whatever they claim), with an XML parser that expands no entities and
fetches nothing, so neither a ZIP bomb nor an entity bomb gets far. It runs in the parser process
of :mod:`crawlers.documents`, under the same memory and time limits as PDFs.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from lxml import etree

from maturity.core.documents import DocumentKind, OfficeFacts

MAX_PART_BYTES = 20_000_000
MAX_SLIDES = 500
MAX_LISTED = 100

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "dc": "http://purl.org/dc/elements/1.1/",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


class NotAssessable(Exception):
    """The file cannot be assessed; the message says why."""


def office_facts(data: bytes, kind: DocumentKind) -> OfficeFacts:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise NotAssessable(f"damaged: not a readable ZIP archive ({exc})") from None
    with archive:
        if any(info.flag_bits & 0x1 for info in archive.infolist()):
            raise NotAssessable("encrypted: a password is needed to open it")
        core = _xml(archive, "docProps/core.xml")
        title = _text(core, "//dc:title") if core is not None else None
        lang = _text(core, "//dc:language") if core is not None else None
        if kind == "docx":
            return _docx(archive, title, lang)
        if kind == "pptx":
            return _pptx(archive, title, lang)
        return _xlsx(archive, title, lang)


def _docx(archive: zipfile.ZipFile, title: str | None, lang: str | None) -> OfficeFacts:
    document = _xml(archive, "word/document.xml")
    if document is None:
        raise NotAssessable("damaged: the document part (word/document.xml) is missing")
    styles = _xml(archive, "word/styles.xml")
    heading_styles: set[str] = set()
    if styles is not None:
        for style in styles.iterfind(".//w:style", NS):
            named = style.find("w:name", NS)
            name = (named.get(_w("val"), "") if named is not None else "").lower()
            outline = style.find(".//w:outlineLvl", NS)
            if re.fullmatch(r"heading \d|title", name) or outline is not None:
                heading_styles.add(style.get(_w("styleId"), ""))
        default_lang = styles.find(".//w:docDefaults//w:lang", NS)
        if not lang and default_lang is not None:
            lang = default_lang.get(_w("val")) or None
    headings = paragraphs = 0
    for para in document.iterfind(".//w:body//w:p", NS):
        if not "".join(para.itertext()).strip():
            continue
        paragraphs += 1
        style = para.find("w:pPr/w:pStyle", NS)
        outline = para.find("w:pPr/w:outlineLvl", NS)
        if (style is not None and style.get(_w("val")) in heading_styles) or outline is not None:
            headings += 1
    images, missing = _drawings(document.iterfind(".//wp:docPr", NS))
    return OfficeFacts(
        title=title, lang=lang, images=images, images_without_alt=missing, headings=headings, paragraphs=paragraphs
    )


def _pptx(archive: zipfile.ZipFile, title: str | None, lang: str | None) -> OfficeFacts:
    names = sorted(
        (n for n in archive.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
        key=lambda n: int(re.sub(r"\D", "", n.rsplit("/", 1)[-1])),
    )[:MAX_SLIDES]
    images = missing = 0
    untitled: list[int] = []
    for number, name in enumerate(names, start=1):
        slide = _xml(archive, name)
        if slide is None:
            continue
        titled = False
        for shape in slide.iterfind(".//p:sp", NS):
            placeholder = shape.find(".//p:nvPr/p:ph", NS)
            if placeholder is not None and placeholder.get("type") in ("title", "ctrTitle"):
                titled = titled or bool("".join(shape.itertext()).strip())
        if not titled and len(untitled) < MAX_LISTED:
            untitled.append(number)
        n, m = _drawings(slide.iterfind(".//p:pic/p:nvPicPr/p:cNvPr", NS))
        images, missing = images + n, missing + m
    if not lang:
        default = _xml(archive, "ppt/presentation.xml")
        run = default.find(".//p:defaultTextStyle//a:defRPr", NS) if default is not None else None
        lang = run.get("lang") if run is not None else None
    return OfficeFacts(
        title=title,
        lang=lang,
        images=images,
        images_without_alt=missing,
        slides=len(names),
        slides_without_title=untitled,
    )


def _xlsx(archive: zipfile.ZipFile, title: str | None, lang: str | None) -> OfficeFacts:
    workbook = _xml(archive, "xl/workbook.xml")
    found = workbook.iterfind(".//s:sheet", NS) if workbook is not None else []
    sheets = [sheet.get("name", "") for sheet in found][:MAX_LISTED]
    return OfficeFacts(title=title, lang=lang, sheets=sheets)


def _drawings(elements: Any) -> tuple[int, int]:
    """(drawings, those with no description that are not marked decorative)."""
    count = missing = 0
    for element in elements:
        count += 1
        decorative = element.find(".//adec:decorative", NS)
        if decorative is not None and decorative.get("val") in ("1", "true"):
            continue
        if not (element.get("descr") or "").strip():
            missing += 1
    return count, missing


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    """The part as an XML tree, None when it is missing; damaged or oversized: NotAssessable."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise NotAssessable(f"too large: {name} inflates to {info.file_size:,} bytes")
    try:
        with archive.open(info) as part:
            data = part.read(MAX_PART_BYTES + 1)
        if len(data) > MAX_PART_BYTES:
            raise NotAssessable(f"too large: {name} inflates past {MAX_PART_BYTES:,} bytes")
        return etree.fromstring(data, _PARSER)
    except (zipfile.BadZipFile, OSError, EOFError, etree.XMLSyntaxError) as exc:
        raise NotAssessable(f"damaged: {name} cannot be read ({str(exc)[:120]})") from None


def _text(tree: Any, path: str) -> str | None:
    found = tree.xpath(path, namespaces=NS)
    text = "".join(found[0].itertext()).strip() if found else ""
    return text[:500] or None


def _w(name: str) -> str:
    return f"{{{NS['w']}}}{name}"
