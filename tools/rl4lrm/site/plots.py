"""Plots as inline SVG, rendered from templates/trend.svg and templates/bars.svg: works per quarter (one line per
series) and works per year (bars). Python only computes the coordinates; the templates escape every label."""

from __future__ import annotations

from collections import Counter

from .render import render

PALETTE = ("#3f51b5", "#e91e63", "#009688", "#ff9800", "#795548", "#9c27b0", "#607d8b", "#4caf50", "#f44336", "#00bcd4")
# Room for half a quarter label ("2026Q4", about 36 px at font size 10) right of the last point.
LABEL_HALF_WIDTH = 20


def quarter(date: str) -> str:
    """'2025-05' -> '2025Q2'; a year-only date counts in Q1."""
    month = int(date[5:7]) if len(date) >= 7 else 1
    return date[:4] + "Q" + str((month - 1) // 3 + 1)


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
    left, right, top, bottom = 36, LABEL_HALF_WIDTH + 4, 20, 36
    legend_rows = (len(series) + 2) // 3 if len(series) > 1 else 0
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(quarters) - 1, 1)
    label_every = max(1, len(quarters) // 8)
    labels = [(round(left + i * step, 1), q) for i, q in enumerate(quarters) if i % label_every == 0]
    lines = []
    for index, (label, counts) in enumerate(series.items()):
        points = " ".join(
            f"{left + i * step:.1f},{top + plot_h - counts.get(q, 0) / peak * plot_h:.1f}"
            for i, q in enumerate(quarters)
        )
        legend = None
        if legend_rows:
            col, row = index % 3, index // 3
            legend = (round(left + col * (plot_w / 3), 1), height + row * 16)
        lines.append({"label": label, "colour": PALETTE[index % len(PALETTE)], "points": points, "legend": legend})
    return render(
        "trend.svg",
        title=title,
        width=width,
        full=height + legend_rows * 16,
        left=left,
        right=right,
        top=top,
        base=top + plot_h,
        peak=peak,
        labels=labels,
        lines=lines,
    ).strip()


def bars_svg(counts: Counter, title: str, width: int = 480, height: int = 140, years: int = 10) -> str:
    """An SVG bar chart of counts per year: every year of the last `years` with data, the earlier ones in one
    first bar ('<2016')."""
    used = [y for y, n in counts.items() if n]
    if not used:
        return ""
    first = max(min(used), max(used) - years + 1)
    columns = [(str(y), counts.get(y, 0)) for y in range(first, max(used) + 1)]
    earlier = sum(n for y, n in counts.items() if y < first)
    if earlier:
        columns.insert(0, ("<" + str(first), earlier))
    peak = max(n for _, n in columns) or 1
    left, right, top, bottom = 8, 8, 16, 20
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / len(columns)
    bars = []
    for i, (year, n) in enumerate(columns):
        h = round(n / peak * plot_h, 1)
        bars.append(
            {
                "year": year,
                "n": n,
                "x": round(left + i * slot + slot * 0.15, 1),
                "w": round(slot * 0.7, 1),
                "h": h,
                "y": round(top + plot_h - h, 1),
                "cx": round(left + (i + 0.5) * slot, 1),
            }
        )
    return render(
        "bars.svg", title=title, width=width, height=height, left=left, right=right, base=top + plot_h, bars=bars
    ).strip()
