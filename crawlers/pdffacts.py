"""A PDF's accessibility facts: structure with pikepdf, the text layer with pypdfium2.

:func:`pdf_facts` takes the file's bytes and returns :class:`maturity.core.documents.PdfFacts`, or
raises :class:`NotAssessable` with the reason (encrypted, damaged). It runs inside the parser
process of :mod:`crawlers.documents`, which bounds its time and memory: every walk here is also
capped by count (structure elements, outline items, form fields), and indirect objects already
visited are never visited again, so a cyclic or deeply nested file ends, and ends soon.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pikepdf
import pypdfium2

from maturity.core.documents import PdfFacts, PdfFormField

MAX_STRUCT_ELEMENTS = 20_000
MAX_OUTLINE_ITEMS = 5_000
MAX_FORM_FIELDS = 500
MAX_LISTED_PAGES = 100
MAX_XMP_BYTES = 1_000_000

HEADINGS = frozenset({"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"})


class NotAssessable(Exception):
    """The file cannot be assessed; the message says why, in plain words."""


def pdf_facts(data: bytes) -> PdfFacts:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise NotAssessable("encrypted: a password is needed to open it") from None
    except pikepdf.PdfError as exc:
        raise NotAssessable(f"damaged: {_short(exc)}") from None
    with pdf:
        root = pdf.Root
        struct_root = root.get("/StructTreeRoot")
        mark_info = root.get("/MarkInfo")
        marked = bool(isinstance(mark_info, pikepdf.Dictionary) and _true(mark_info.get("/Marked")))
        prefs = root.get("/ViewerPreferences")
        display_title = bool(isinstance(prefs, pikepdf.Dictionary) and _true(prefs.get("/DisplayDocTitle")))
        xmp = _xmp(root)
        info = pdf.docinfo if "/Info" in pdf.trailer else None
        walk = _StructWalk(struct_root) if isinstance(struct_root, pikepdf.Dictionary) else None
        fields = _form_fields(root)
        encrypted = pdf.is_encrypted
        pages = len(pdf.pages)
        facts: dict[str, Any] = dict(
            pages=pages,
            version=str(pdf.pdf_version),
            has_struct_tree=walk is not None,
            marked=marked,
            tagged=walk is not None and marked,
            title=_xmp_title(xmp) or _info_text(info, "/Title"),
            display_doc_title=display_title,
            lang=_text(root.get("/Lang")) or None,
            figures=walk.figures if walk else 0,
            figures_without_alt=walk.figures_without_alt if walk else 0,
            headings=walk.headings if walk else 0,
            structure_elements=walk.count if walk else 0,
            structure_truncated=walk.truncated if walk else False,
            bookmarks=_outline_count(root),
            form_fields=fields,
            encrypted=encrypted,
            blocks_assistive_tech=encrypted and not pdf.allow.accessibility,
            pdfua_part=_pdfua_part(xmp),
            producer=_info_text(info, "/Producer"),
            creator=_info_text(info, "/Creator"),
            created=_pdf_date(_info_text(info, "/CreationDate")) or _xmp_date(xmp, "xmp:CreateDate"),
            modified=_pdf_date(_info_text(info, "/ModDate")) or _xmp_date(xmp, "xmp:ModifyDate"),
        )
    with_text, without = _text_layer(data)
    facts.update(pages_with_text=with_text, pages_without_text=without)
    return PdfFacts(**facts)


# ---------------------------------------------------------------------------
# The structure tree
# ---------------------------------------------------------------------------


class _StructWalk:
    """Counts figures (with and without alternate text) and headings, the role map applied."""

    def __init__(self, struct_root: pikepdf.Dictionary) -> None:
        self.figures = self.figures_without_alt = self.headings = self.count = 0
        self.truncated = False
        role_map = struct_root.get("/RoleMap")
        self.roles: dict[str, str] = {}
        if isinstance(role_map, pikepdf.Dictionary):
            for key in list(role_map.keys())[:1000]:
                value = role_map.get(key)
                if isinstance(value, pikepdf.Name):
                    self.roles[str(key)] = str(value)
        self._walk(struct_root.get("/K"))

    def _role(self, name: str) -> str:
        seen = {name}
        while name in self.roles and self.roles[name] not in seen:  # a role map may chain, or loop
            name = self.roles[name]
            seen.add(name)
        return name

    def _walk(self, kids: Any) -> None:
        stack = [kids]
        visited: set[tuple[int, int]] = set()
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(reversed(list(node)[:MAX_STRUCT_ELEMENTS]))
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue  # a marked-content id (an integer) or a broken entry
            if node.is_indirect:
                if node.objgen in visited:
                    continue
                visited.add(node.objgen)
            kind = node.get("/S")
            if not isinstance(kind, pikepdf.Name):
                continue  # a marked-content or object reference, not an element
            self.count += 1
            if self.count > MAX_STRUCT_ELEMENTS:
                self.truncated = True
                return
            role = self._role(str(kind))
            if role == "/Figure":
                self.figures += 1
                if not (_text(node.get("/Alt")).strip() or _text(node.get("/ActualText")).strip()):
                    self.figures_without_alt += 1
            elif role in HEADINGS:
                self.headings += 1
            stack.append(node.get("/K"))


# ---------------------------------------------------------------------------
# Outline, forms, metadata
# ---------------------------------------------------------------------------


def _outline_count(root: Any) -> int:
    outlines = root.get("/Outlines")
    if not isinstance(outlines, pikepdf.Dictionary):
        return 0
    count = 0
    stack = [outlines.get("/First")]
    visited: set[tuple[int, int]] = set()
    while stack and count < MAX_OUTLINE_ITEMS:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary):
            continue
        if item.is_indirect:
            if item.objgen in visited:
                continue
            visited.add(item.objgen)
        count += 1
        stack.append(item.get("/Next"))
        stack.append(item.get("/First"))
    return count


def _form_fields(root: Any) -> list[PdfFormField]:
    acro = root.get("/AcroForm")
    if not isinstance(acro, pikepdf.Dictionary):
        return []
    out: list[PdfFormField] = []
    visited: set[tuple[int, int]] = set()
    top = acro.get("/Fields")
    top_fields = list(top)[:MAX_FORM_FIELDS] if isinstance(top, pikepdf.Array) else []
    stack: list[tuple[Any, str]] = [(f, "") for f in reversed(top_fields)]
    steps = 0
    while stack and len(out) < MAX_FORM_FIELDS and steps < 10 * MAX_FORM_FIELDS:
        steps += 1
        field, inherited = stack.pop()
        if not isinstance(field, pikepdf.Dictionary):
            continue
        if field.is_indirect:
            if field.objgen in visited:
                continue
            visited.add(field.objgen)
        kind = _text(field.get("/FT")) or inherited
        kids = field.get("/Kids")
        kid_list = list(kids)[:MAX_FORM_FIELDS] if isinstance(kids, pikepdf.Array) else []
        if any(isinstance(k, pikepdf.Dictionary) and "/T" in k for k in kid_list):  # children are fields
            stack.extend((k, kind) for k in reversed(kid_list))
            continue
        tooltip = bool(_text(field.get("/TU")).strip())
        out.append(PdfFormField(name=_text(field.get("/T"))[:100], kind=kind.lstrip("/"), tooltip=tooltip))
    return out


def _xmp(root: Any) -> str:
    stream = root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return ""
    try:
        length = int(stream.get("/Length", 0))
        if length > MAX_XMP_BYTES:
            return ""
        return bytes(stream.read_bytes()[:MAX_XMP_BYTES]).decode("utf-8", "replace")
    except (pikepdf.PdfError, ValueError, TypeError):
        return ""


def _xmp_title(xmp: str) -> str | None:
    match = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.DOTALL)
    title = _unescape(match.group(1)).strip() if match else ""
    return title or None


def _pdfua_part(xmp: str) -> int | None:
    match = re.search(r"pdfuaid:part(?:\s[^>]*)?>\s*(\d+)|pdfuaid:part\s*=\s*[\"'](\d+)", xmp)
    return int(match.group(1) or match.group(2)) if match else None


def _xmp_date(xmp: str, name: str) -> str | None:
    match = re.search(rf"{name}(?:\s[^>]*)?>\s*([0-9][0-9T:.+\-Z]+)|{name}\s*=\s*[\"']([0-9][0-9T:.+\-Z]+)", xmp)
    return (match.group(1) or match.group(2)) if match else None


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


_PDF_DATE = re.compile(r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?")


def _pdf_date(value: str | None) -> str | None:
    """A PDF date (``D:20240131120000-05'00'``, ISO 32000 §7.9.4) as ISO 8601; None when unreadable."""
    if not value:
        return None
    match = _PDF_DATE.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, sign, tz_h, tz_m = match.groups()
    try:
        tz = UTC
        if sign in ("+", "-"):
            offset = timedelta(hours=int(tz_h or 0), minutes=int(tz_m or 0))
            tz = timezone(offset if sign == "+" else -offset)
        stamp = datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=tz
        )
    except ValueError:
        return None
    return stamp.isoformat()


def _info_text(info: Any, key: str) -> str | None:
    if info is None:
        return None
    try:
        value = _text(info.get(key)).strip()
    except (pikepdf.PdfError, ValueError):
        return None
    return value[:500] or None


def _text(value: Any) -> str:
    if isinstance(value, pikepdf.String | pikepdf.Name):
        return str(value)
    return ""


def _true(value: Any) -> bool:
    return value is True  # pikepdf gives PDF booleans as Python's


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


# ---------------------------------------------------------------------------
# The text layer
# ---------------------------------------------------------------------------


def _text_layer(data: bytes) -> tuple[int, list[int]]:
    """Pages whose text layer has characters, and the page numbers of those without (at most 100)."""
    try:
        doc = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise NotAssessable(f"damaged: the text layer cannot be read ({_short(exc)})") from None
    with_text = 0
    without: list[int] = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            try:
                count = textpage.count_chars()
                chars = textpage.get_text_range().strip() if 0 < count <= 50_000 else "x" * count
            finally:
                textpage.close()
                page.close()
            if chars.strip():
                with_text += 1
            elif len(without) < MAX_LISTED_PAGES:
                without.append(index + 1)
    finally:
        doc.close()
    return with_text, without
