"""Trend plots as inline SVG, drawn in Python: works per quarter, one line per series."""

from __future__ import annotations

from collections import Counter
from html import escape

PALETTE = ("#3f51b5", "#e91e63", "#009688", "#ff9800", "#795548", "#9c27b0", "#607d8b", "#4caf50", "#f44336", "#00bcd4")


def quarter(date: str) -> str:
    """'2025-05' -> '2025Q2'; a year-only date counts in Q1."""
    month = int(date[5:7]) if len(date) >= 7 else 1
    return f"{date[:4]}Q{(month - 1) // 3 + 1}"


def quarters_between(first: str, last: str) -> list[str]:
    """Every quarter label from first to last inclusive."""
    year, q = int(first[:4]), int(first[-1])
    out = []
    while f"{year}Q{q}" <= last:
        out.append(f"{year}Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def trend_svg(series: dict[str, Counter], title: str, width: int = 640, height: int = 240, years: int = 5) -> str:
    """An SVG line chart of counts per quarter over the last `years` calendar years with data; series maps a
    label to a Counter of quarter -> count."""
    used = [q for counts in series.values() for q, n in counts.items() if n]
    if not used:
        return ""
    last = max(used)
    quarters = quarters_between(max(min(used), f"{int(last[:4]) - years + 1}Q1"), last)
    peak = max((counts.get(q, 0) for counts in series.values() for q in quarters), default=0) or 1
    left, right, top, bottom = 36, 8, 20, 36
    legend_rows = (len(series) + 2) // 3 if len(series) > 1 else 0
    full = height + legend_rows * 16
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(quarters) - 1, 1)

    def xy(i: int, n: int) -> str:
        return f"{left + i * step:.1f},{top + plot_h - n / peak * plot_h:.1f}"

    parts = [
        f'<svg class="rl4lrm-plot" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {full}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="10">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="10">0</text>',
    ]
    label_every = max(1, len(quarters) // 8)
    for i, q in enumerate(quarters):
        if i % label_every == 0:
            parts.append(
                f'<text x="{left + i * step:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                f'font-size="10">{q}</text>'
            )
    for index, (label, counts) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(xy(i, counts.get(q, 0)) for i, q in enumerate(quarters))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{escape(label)}</title></polyline>"
        )
        if legend_rows:
            col, row = index % 3, index // 3
            x, y = left + col * (plot_w / 3), height + row * 16
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 8}" width="10" height="10" fill="{colour}"/>'
                f'<text x="{x + 14:.1f}" y="{y + 1}" font-size="11">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
