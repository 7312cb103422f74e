"""Printable asset labels: a QR code of the asset page's address with the tag, model and
serial number beside it. One label on a label-sized page (label printers) or sheets of 24
labels of 70 x 37 mm on A4 (the common 3 x 8 adhesive sheets).

The QR code holds ``STEWARD_BASE_URL`` + the asset's page, not the address the request came
through: a printed label outlives the laptop that printed it. The QR matrix comes from
segno and is drawn as vector rectangles by reportlab, so it stays sharp at any printer
resolution."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

LABEL_W, LABEL_H = 70 * mm, 37 * mm
COLUMNS, ROWS = 3, 8
SHEET_TOP = 4.5 * mm
PAD = 3 * mm
QUIET = 2
"""Quiet zone in modules around the QR code (the label's padding adds to it)."""
MAX_LABELS = 1200
"""Most labels one request prints (50 sheets); narrow the filter for more."""


def label_url(asset: Any) -> str:
    """What the QR code opens: the asset's page at the service's public address."""
    return f"{settings.BASE_URL}{reverse('assets:asset_detail', kwargs={'pk': asset.pk})}"


def qr_matrix(text: str) -> Sequence[Sequence[int]]:
    """The QR code of ``text`` as rows of 0/1 modules, without quiet zone (error
    correction M: a label survives a scratch)."""
    return segno.make(text, error="m", micro=False, boost_error=False).matrix


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(text)
    n = len(matrix)
    module = size / (n + 2 * QUIET)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (QUIET + r + 1) * module
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            path.rect(x + (QUIET + start) * module, top, (c - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_label(canvas: Canvas, asset: Any, x: float, y: float) -> None:
    qr_size = LABEL_H - 2 * PAD
    _draw_qr(canvas, label_url(asset), x + PAD, y + PAD, qr_size)
    left = x + PAD + qr_size + 2 * mm
    width = x + LABEL_W - PAD - left
    line = y + LABEL_H - PAD - 10
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(left, line, _fit(canvas, asset.asset_tag, "Helvetica-Bold", 11, width))
    rows = [
        ("Helvetica", 7, str(asset.model)),
        ("Helvetica", 7, _("S/N %(s)s") % {"s": asset.serial} if asset.serial else ""),
        ("Helvetica", 6, asset.name),
    ]
    line -= 4 * mm
    for font, size, text in rows:
        if not text:
            continue
        canvas.setFont(font, size)
        canvas.drawString(left, line, _fit(canvas, text, font, size, width))
        line -= size + 3


def _canvas(buffer: io.BytesIO, pagesize: tuple[float, float], title: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Steward")
    canvas.setCreator("Steward")
    return canvas


def label_pdf(asset: Any) -> bytes:
    """One label on a page of the label's size, for label printers."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, (LABEL_W, LABEL_H), str(asset.asset_tag))
    _draw_label(canvas, asset, 0, 0)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def label_sheets_pdf(assets: Iterable[Any]) -> bytes:
    """A4 sheets of 3 x 8 labels, filled row by row in the order given."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, A4, _("Asset labels"))
    page_w, page_h = A4
    left = (page_w - COLUMNS * LABEL_W) / 2
    per_page = COLUMNS * ROWS
    count = 0
    for count, asset in enumerate(assets, start=1):
        slot = (count - 1) % per_page
        if slot == 0 and count > 1:
            canvas.showPage()
        row, col = divmod(slot, COLUMNS)
        _draw_label(canvas, asset, left + col * LABEL_W, page_h - SHEET_TOP - (row + 1) * LABEL_H)
    if count == 0:
        canvas.setFont("Helvetica", 11)
        canvas.drawString(20 * mm, page_h - 30 * mm, _("No assets match."))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
