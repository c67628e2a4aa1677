"""Small PDFs with known facts, built with pikepdf for the document tests (and the benchmark).

``make_pdf(...)`` writes a PDF whose every accessibility fact is chosen by its arguments: pages with
a text layer or only an image (a scan), tagged or not, a title shown or not, a language, figures
with and without alternate text, headings, bookmarks, form fields with and without a tooltip.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def make_pdf(
    *,
    pages: int = 1,
    text: bool = True,
    scanned_pages: Sequence[int] = (),
    tagged: bool = False,
    marked: bool | None = None,
    title: str | None = None,
    display_title: bool = False,
    lang: str | None = None,
    figures: int = 0,
    figures_with_alt: int = 0,
    headings: int = 0,
    bookmarks: int = 0,
    fields: Sequence[tuple[str, str | None]] = (),
    encrypt_owner_only: bool = False,
    allow_accessibility: bool = True,
    user_password: str = "",
    pdfua: bool = False,
    created: str | None = None,
    modified: str | None = None,
    producer: str | None = None,
) -> bytes:
    """The PDF's bytes. ``scanned_pages`` (1-based) carry an image and no text; with ``text=False``
    every page does. ``fields`` are (name, tooltip or None)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
    )
    image = pikepdf.Stream(pdf, b"\x80" * 64)
    for key, value in dict(
        Type=Name.XObject, Subtype=Name.Image, Width=8, Height=8, ColorSpace=Name.DeviceGray, BitsPerComponent=8
    ).items():
        image[Name("/" + key)] = value
    for number in range(1, pages + 1):
        scanned = not text or number in scanned_pages
        if scanned:
            content = b"q 500 0 0 700 50 50 cm /Im0 Do Q"
            resources = Dictionary(XObject=Dictionary(Im0=image))
        else:
            content = b"BT /F1 12 Tf 72 720 Td (Page %d of a test document.) Tj ET" % number
            resources = Dictionary(Font=Dictionary(F1=font))
        page = pikepdf.Page(
            Dictionary(
                Type=Name.Page,
                MediaBox=Array([0, 0, 612, 792]),
                Resources=resources,
                Contents=pikepdf.Stream(pdf, content),
            )
        )
        pdf.pages.append(page)
    root = pdf.Root
    if tagged or marked:
        root.MarkInfo = Dictionary(Marked=True if marked is None else marked)
    if tagged:
        kids = Array()
        for n in range(headings):
            kids.append(pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name(f"/H{min(n + 1, 6)}"), K=Array())))
        for n in range(figures):
            elem = Dictionary(Type=Name.StructElem, S=Name.Figure, K=Array())
            if n < figures_with_alt:
                elem.Alt = String(f"Chart {n + 1}: visits by month")
            kids.append(pdf.make_indirect(elem))
        kids.append(pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, K=Array([0]))))
        document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=kids))
        root.StructTreeRoot = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=document))
    if title is not None:
        pdf.docinfo[Name.Title] = String(title)
    if display_title:
        root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    if lang is not None:
        root.Lang = String(lang)
    if producer is not None:
        pdf.docinfo[Name.Producer] = String(producer)
    if created is not None:
        pdf.docinfo[Name.CreationDate] = String(created)
    if modified is not None:
        pdf.docinfo[Name.ModDate] = String(modified)
    if bookmarks:
        items = [pdf.make_indirect(Dictionary(Title=String(f"Section {n + 1}"))) for n in range(bookmarks)]
        outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=items[0], Last=items[-1], Count=bookmarks))
        for n, item in enumerate(items):
            item.Parent = outlines
            if n + 1 < len(items):
                item.Next = items[n + 1]
        root.Outlines = outlines
    if fields:
        acro_fields = Array()
        for name, tooltip in fields:
            field = Dictionary(
                FT=Name.Tx, T=String(name), Type=Name.Annot, Subtype=Name.Widget, Rect=Array([72, 600, 300, 620])
            )
            if tooltip is not None:
                field.TU = String(tooltip)
            acro_fields.append(pdf.make_indirect(field))
        root.AcroForm = Dictionary(Fields=acro_fields)
    if pdfua:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta.register_xml_namespace("http://www.aiim.org/pdfua/ns/id/", "pdfuaid")
            meta["pdfuaid:part"] = "1"
    out = io.BytesIO()
    if encrypt_owner_only or user_password:
        # qpdf honours a denied accessibility permission only in the oldest (R2, RC4) handler, where it
        # is the "extract" bit: newer revisions always allow it, as PDF 2.0 requires.
        allow = pikepdf.Permissions(accessibility=allow_accessibility, extract=allow_accessibility)
        crypt = pikepdf.Encryption(
            owner="owner-secret", user=user_password, allow=allow, R=2, aes=False, metadata=False
        )
        pdf.save(out, encryption=crypt)
    else:
        pdf.save(out)
    return out.getvalue()


def good_pdf(**overrides: object) -> bytes:
    """A PDF that passes every check: tagged, titled (and shown), in English, with text, alt and bookmarks."""
    args: dict[str, object] = dict(
        pages=3,
        tagged=True,
        title="Annual report 2026",
        display_title=True,
        lang="en-US",
        figures=2,
        figures_with_alt=2,
        headings=2,
        bookmarks=3,
        fields=[("name", "Your full name")],
    )
    args.update(overrides)
    return make_pdf(**args)  # type: ignore[arg-type]


def pdf_bomb(depth: int = 50_000) -> bytes:
    """A structure tree nested ``depth`` levels deep, its last element pointing back at the first:
    a walker that recurses, or never stops, fails."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    first = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, K=Array()))
    node = first
    for _ in range(depth):
        node = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Div, K=node))
    first.K = Array([node])  # a cycle
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.StructTreeRoot = Dictionary(Type=Name.StructTreeRoot, K=node)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def stream_bomb(megabytes: int) -> bytes:
    """One page whose content stream is a few hundred kilobytes compressed and ``megabytes`` MB inflated."""
    import zlib

    pdf = pikepdf.new()
    pdf.add_blank_page()
    packed = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(packed.compress(chunk) for _ in range(megabytes)) + packed.flush()
    stream = pikepdf.Stream(pdf, data)
    stream[Name.Filter] = Name.FlateDecode
    pdf.pages[0].Contents = stream
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Office Open XML files (Word, PowerPoint, Excel), written part by part
# ---------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _core(title: str | None, lang: str | None) -> str:
    parts = (f"<dc:title>{title}</dc:title>" if title else "") + (f"<dc:language>{lang}</dc:language>" if lang else "")
    return (
        "<cp:coreProperties xmlns:cp='http://schemas.openxmlformats.org/package/2006/metadata/core-properties' "
        f"xmlns:dc='http://purl.org/dc/elements/1.1/'>{parts}</cp:coreProperties>"
    )


def _zip(parts: dict[str, str]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>"
        )
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def make_docx(
    *,
    title: str | None = None,
    lang: str | None = None,
    images_alt: Sequence[str | None] = (),
    headings: int = 0,
    decorative: int = 0,
) -> bytes:
    """A Word file: ``images_alt`` gives each picture's description (None: none); ``decorative``
    more pictures marked decorative; ``headings`` paragraphs in the Heading 1 style."""
    body = "".join(
        f"<w:p><w:pPr><w:pStyle w:val='Heading1'/></w:pPr><w:r><w:t>Part {n}</w:t></w:r></w:p>" for n in range(headings)
    )
    body += "<w:p><w:r><w:t>Apply for a fishing licence by post.</w:t></w:r></w:p>"
    pictures = [(alt, False) for alt in images_alt] + [(None, True)] * decorative
    for n, (alt, deco) in enumerate(pictures, start=1):
        descr = f" descr='{alt}'" if alt is not None else ""
        ext = (
            "<a:extLst><a:ext uri='{C183D7F6-B498-43B3-948B-1728B52AA6E4}'><adec:decorative "
            "xmlns:adec='http://schemas.microsoft.com/office/drawing/2017/decorative' val='1'/></a:ext></a:extLst>"
            if deco
            else ""
        )
        body += (
            f"<w:p><w:r><w:drawing><wp:inline><wp:docPr id='{n}' name='Picture {n}'{descr}>{ext}</wp:docPr>"
            "</wp:inline></w:drawing></w:r></w:p>"
        )
    document = f"<w:document xmlns:w='{_W}' xmlns:wp='{_WP}' xmlns:a='{_A}'><w:body>{body}</w:body></w:document>"
    styles = (
        f"<w:styles xmlns:w='{_W}'><w:style w:type='paragraph' w:styleId='Heading1'>"
        "<w:name w:val='heading 1'/></w:style></w:styles>"
    )
    return _zip({"word/document.xml": document, "word/styles.xml": styles, "docProps/core.xml": _core(title, lang)})


def make_pptx(
    *,
    title: str | None = None,
    lang: str | None = None,
    slide_titles: Sequence[str | None] = ("Intro",),
    images_alt: Sequence[str | None] = (),
) -> bytes:
    """A PowerPoint file, one slide per entry of ``slide_titles`` (None: no title); pictures on the first."""
    parts = {"docProps/core.xml": _core(title, lang)}
    for n, slide_title in enumerate(slide_titles, start=1):
        shapes = ""
        if slide_title is not None:
            shapes += (
                f"<p:sp><p:nvSpPr><p:cNvPr id='1' name='Title'/><p:cNvSpPr/><p:nvPr><p:ph type='title'/>"
                f"</p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>{slide_title}</a:t></a:r></a:p></p:txBody></p:sp>"
            )
        if n == 1:
            for m, alt in enumerate(images_alt, start=2):
                descr = f" descr='{alt}'" if alt is not None else ""
                shapes += f"<p:pic><p:nvPicPr><p:cNvPr id='{m}' name='Picture'{descr}/></p:nvPicPr></p:pic>"
        parts[f"ppt/slides/slide{n}.xml"] = (
            f"<p:sld xmlns:p='{_P}' xmlns:a='{_A}'><p:cSld><p:spTree>{shapes}</p:spTree></p:cSld></p:sld>"
        )
    parts["ppt/presentation.xml"] = f"<p:presentation xmlns:p='{_P}' xmlns:a='{_A}'/>"
    return _zip(parts)


def make_xlsx(*, title: str | None = None, lang: str | None = None, sheets: Sequence[str] = ("Sheet1",)) -> bytes:
    names = "".join(f"<sheet name='{s}' sheetId='{n}'/>" for n, s in enumerate(sheets, start=1))
    workbook = f"<workbook xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheets>{names}</sheets></workbook>"
    return _zip({"xl/workbook.xml": workbook, "docProps/core.xml": _core(title, lang)})
