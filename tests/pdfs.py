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
    for key, value in dict(Type=Name.XObject, Subtype=Name.Image, Width=8, Height=8, ColorSpace=Name.DeviceGray,
                           BitsPerComponent=8).items():
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
            Dictionary(Type=Name.Page, MediaBox=Array([0, 0, 612, 792]), Resources=resources,
                       Contents=pikepdf.Stream(pdf, content))
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
            field = Dictionary(FT=Name.Tx, T=String(name), Type=Name.Annot, Subtype=Name.Widget,
                               Rect=Array([72, 600, 300, 620]))
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
        pages=3, tagged=True, title="Annual report 2026", display_title=True, lang="en-US", figures=2,
        figures_with_alt=2, headings=2, bookmarks=3, fields=[("name", "Your full name")],
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
