"""The CIO dashboard as a PDF (reportlab: a title, the date, each section as a table, the heat
map as a coloured grid) and as an XLSX workbook (openpyxl: one sheet per section). Both take
the figures of ``dashboard.as_dict``; text cells are neutralised like every export."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from steward.core.export import neutralise

Table = tuple[str, list[str], list[list[Any]]]


def _pct(value: Any) -> Any:
    return "–" if value is None else value


def sections(data: dict[str, Any]) -> list[Table]:
    """Every section as (title, header, rows), heat map excepted (drawn as a grid)."""
    align = data["alignment"]
    out: list[Table] = [
        (
            _("Alignment"),
            [_("Business goal"), _("IT goals"), _("Progress %")],
            [[g["title"], g["it_goals"], g["progress"]] for g in align["goals"]]
            + [[_("Overall"), "", align["overall"]]],
        )
    ]
    budget = data["budget"]
    header = [_("Category"), _("Planned"), _("Actual"), _("Forecast"), _("Variance")]
    if budget:
        rows = [
            [c["name"], c["planned"], c["actual"], c["forecast"], c["variance"]]
            for c in budget["by_category"]
        ]
        t = budget["total"]
        rows.append([_("Total"), t["planned"], t["actual"], t["forecast"], t["variance"]])
        title = _("Budget burn %(year)s (as of %(day)s)") % {
            "year": budget["fiscal_year"]["name"],
            "day": budget["as_of"].isoformat(),
        }
        out.append((title, header, rows))
    else:
        out.append((_("Budget burn"), header, []))
    out.append(
        (
            _("Service health (SLA over 30 days)"),
            [_("Service"), _("Open incidents"), _("Major"), _("SLA met"), _("Breached"), "SLA %"],
            [
                [
                    s["name"],
                    s["open_incidents"],
                    s["major_incidents"],
                    s["sla_met"],
                    s["sla_breached"],
                    _pct(s["sla_percent"]),
                ]
                for s in data["services"]
            ],
        )
    )
    p = data["portfolio"]
    out.append(
        (
            _("Portfolio"),
            [_("By"), _("Value"), _("Projects")],
            [[_("Health"), h["name"], h["count"]] for h in p["by_health"]]
            + [[_("Phase"), ph["name"], ph["count"]] for ph in p["by_phase"]],
        )
    )
    out.append(
        (
            _("Late milestones (%(n)s)") % {"n": p["late_milestones_count"]},
            [_("Milestone"), _("Project"), _("Due"), _("Days late")],
            [[m["name"], m["project"], m["due"], m["days_late"]] for m in p["late_milestones"]],
        )
    )
    return out


def heat_rows(risks: dict[str, Any]) -> tuple[list[str], list[list[Any]], list[list[str]]]:
    """Header, rows (label then counts) and cell colours of the heat map grid."""
    header = [_("Likelihood / Impact"), *risks["impact_labels"]]
    rows = [[r["label"], *(c["count"] for c in r["cells"])] for r in risks["rows"]]
    colours = [[c["colour"] for c in r["cells"]] for r in risks["rows"]]
    return header, rows, colours


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(neutralise(value) if isinstance(value, str) else value)


def pdf_bytes(data: dict[str, Any]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("CIO dashboard"),
    )
    base = TableStyle(
        [
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf0")),
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ]
    )

    def table(header: Sequence[Any], rows: list[list[Any]]) -> PdfTable:
        body = [[_text(h) for h in header]] + [[_text(v) for v in r] for r in rows]
        t = PdfTable(body, repeatRows=1, hAlign="LEFT")
        t.setStyle(base)
        return t

    story: list[Any] = [
        Paragraph(escape(_("CIO dashboard")), styles["Title"]),
        Paragraph(
            escape(_("As of %(day)s") % {"day": data["today"].isoformat()}), styles["Normal"]
        ),
        Spacer(1, 4 * mm),
    ]
    for title, header, rows in sections(data)[:2]:
        story += [Paragraph(escape(title), styles["Heading2"]), table(header, rows)]
    risks = data["risks"]
    if risks:
        title = _("Risk heat map (%(view)s scores, %(n)s open risks)") % {
            "view": risks["view"],
            "n": risks["total"],
        }
        header, rows, colours = heat_rows(risks)
        grid = table(header, rows)
        style = [("ALIGN", (1, 1), (-1, -1), "CENTER")]
        for r, row in enumerate(colours, start=1):
            for c, colour in enumerate(row, start=1):
                style.append(("BACKGROUND", (c, r), (c, r), colors.HexColor(colour)))
        grid.setStyle(TableStyle(style))
        story += [Paragraph(escape(title), styles["Heading2"]), grid]
    for title, header, rows in sections(data)[2:]:
        story += [Paragraph(escape(title), styles["Heading2"]), table(header, rows)]
    doc.build(story)
    return buffer.getvalue()


def xlsx_bytes(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, str):
            return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
        return value

    wb = Workbook(write_only=True)
    tables = sections(data)
    named = [
        (_("Alignment"), tables[0]),
        (_("Budget"), tables[1]),
        (_("Services"), tables[2]),
        (_("Portfolio"), tables[3]),
        (_("Late milestones"), tables[4]),
    ]
    if data["risks"]:
        header, rows, _colours = heat_rows(data["risks"])
        named.insert(2, (_("Risks"), (_("Risk heat map"), header, rows)))
    for sheet, (title, header, rows) in named:
        ws = wb.create_sheet(title=str(sheet)[:31])
        ws.append([cell(title)])
        ws.append([cell(h) for h in header])
        for row in rows:
            ws.append([cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
