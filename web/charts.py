"""SVG charts drawn on the server: horizontal bars, grouped columns, a line and a donut.

No script and no inline style (the Content-Security-Policy forbids both): colours are CSS
classes (``series-0`` ...) or presentation attributes; every text is escaped; labels are
<text> elements (Chinese shows in the page's CJK-capable fonts); each bar, column, point and
slice is a link to the requests behind it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = 12


@dataclass(frozen=True)
class Item:
    """One value of a chart, with its label and the page listing what it counts."""

    label: str
    value: float
    href: str | None = None
    #: What the tooltip says (default: label and value).
    title: str | None = None


def text_width(text: str, size: int = FONT) -> float:
    """How wide ``text`` draws, roughly: wide (CJK) characters are one em, others ~0.6."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def fit(text: str, width: float, size: int = FONT) -> str:
    """``text`` cut with an ellipsis to fit ``width``."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _link(href: str | None, inner: str, title: str) -> str:
    tip = f"<title>{escape(title)}</title>"
    if not href:
        return f"<g>{tip}{inner}</g>"
    return f'<a href="{escape(href)}" class="chart-link">{tip}{inner}</a>'


def _svg(width: int, height: int, label: str, body: str, cls: str) -> Markup:
    return Markup(
        f'<svg class="chart {cls}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet">{body}</svg>')


def _empty(label: str, empty: str) -> Markup:
    return Markup(f'<p class="chart-empty" aria-label="{escape(label)}">{escape(empty)}</p>')


def bars(items: Sequence[Item], *, label: str, empty: str = "—", width: int = 520,
         fmt: str = "{}") -> Markup:
    """Horizontal bars, one per item (labels on the left, values at the bars' ends)."""
    if not items:
        return _empty(label, empty)
    row, gap = 22, 6
    label_w = min(200.0, max(text_width(i.label) for i in items) + 8)
    value_w = 56
    plot = width - label_w - value_w
    top = max((i.value for i in items), default=0) or 1
    parts = []
    for n, it in enumerate(items):
        y = n * (row + gap)
        w = max(0.0, plot * it.value / top)
        shown = fmt.format(_num(it.value))
        inner = (
            f'<text x="{label_w - 6:.1f}" y="{y + row / 2 + 4:.1f}" text-anchor="end" '
            f'class="chart-label">{escape(fit(it.label, label_w - 8))}</text>'
            f'<rect x="{label_w:.1f}" y="{y}" width="{w:.1f}" height="{row}" rx="3" '
            f'class="bar series-{0}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + row / 2 + 4:.1f}" '
            f'class="chart-value">{escape(shown)}</text>')
        parts.append(_link(it.href, inner, it.title or f"{it.label}: {shown}"))
    height = len(items) * (row + gap)
    return _svg(width, height, label, "".join(parts), "chart-bars")


def columns(labels: Sequence[str], series: Sequence[tuple[str, Sequence[Item]]], *,
            label: str, empty: str = "—", width: int = 640, height: int = 220) -> Markup:
    """Grouped columns over time: one group per label, one column per series, a legend."""
    if not labels or not any(it.value for _n, items in series for it in items):
        return _empty(label, empty)
    left, bottom, top_pad, legend = 36, 24, 8, 22
    plot_w, plot_h = width - left - 4, height - bottom - top_pad - legend
    top = max(it.value for _n, items in series for it in items) or 1
    scale = _nice(top)
    group_w = plot_w / len(labels)
    col_w = max(1.0, (group_w - 4) / max(1, len(series)))
    parts = [_axis(left, top_pad, plot_w, plot_h, scale)]
    every = max(1, math.ceil(len(labels) * 40 / plot_w))
    for g, text in enumerate(labels):
        x0 = left + g * group_w + 2
        for s, (name, items) in enumerate(series):
            it = items[g]
            h = plot_h * it.value / scale
            x = x0 + s * col_w
            rect = (f'<rect x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{col_w:.1f}" '
                    f'height="{h:.1f}" class="bar series-{s}"/>')
            parts.append(_link(it.href, rect, it.title or f"{text} · {name}: {_num(it.value)}"))
        if g % every == 0:
            parts.append(f'<text x="{x0 + group_w / 2 - 2:.1f}" y="{top_pad + plot_h + 15}" '
                         f'text-anchor="middle" class="chart-tick">{escape(text)}</text>')
    parts.append(_legend([n for n, _i in series], left, height - 6))
    return _svg(width, height, label, "".join(parts), "chart-columns")


def line(points: Sequence[Item], *, label: str, empty: str = "—", width: int = 640,
         height: int = 200) -> Markup:
    """A line over time (the backlog), each point a link."""
    if not points:
        return _empty(label, empty)
    left, bottom, top_pad = 36, 24, 8
    plot_w, plot_h = width - left - 20, height - bottom - top_pad
    scale = _nice(max(p.value for p in points) or 1)
    step = plot_w / max(1, len(points) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top_pad + plot_h - plot_h * v / scale

    coords = [xy(i, p.value) for i, p in enumerate(points)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(coords))
    parts = [_axis(left, top_pad, plot_w, plot_h, scale),
             f'<path d="{path}" class="line series-0" fill="none"/>']
    every = max(1, math.ceil(len(points) * 48 / plot_w))
    for i, (p, (x, y)) in enumerate(zip(points, coords, strict=True)):
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="dot series-0"/>'
        parts.append(_link(p.href, dot, p.title or f"{p.label}: {_num(p.value)}"))
        if i % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{top_pad + plot_h + 15}" text-anchor="middle" '
                         f'class="chart-tick">{escape(p.label)}</text>')
    return _svg(width, height, label, "".join(parts), "chart-line")


def donut(items: Sequence[Item], *, label: str, empty: str = "—", size: int = 180) -> Markup:
    """Shares of a whole as a ring, with a legend beside it."""
    total = sum(i.value for i in items)
    if not items or not total:
        return _empty(label, empty)
    r, stroke = size / 2 - 14, 22
    cx = cy = size / 2
    legend_w = 200
    parts, angle = [], -math.pi / 2
    for n, it in enumerate(items):
        if not it.value:
            continue
        sweep = 2 * math.pi * it.value / total
        if sweep >= 2 * math.pi - 1e-9:
            shape = (f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke-width="{stroke}" '
                     f'class="slice series-{n}"/>')
        else:
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(angle + sweep), cy + r * math.sin(angle + sweep)
            large = 1 if sweep > math.pi else 0
            shape = (f'<path d="M{x1:.2f},{y1:.2f} A{r},{r} 0 {large} 1 {x2:.2f},{y2:.2f}" '
                     f'fill="none" stroke-width="{stroke}" class="slice series-{n}"/>')
        share = 100 * it.value / total
        parts.append(_link(it.href, shape, it.title or f"{it.label}: {_num(it.value)} "
                                                      f"({share:.0f}%)"))
        angle += sweep
    for n, it in enumerate(items):
        y = 20 + n * 20
        share = 100 * it.value / total
        parts.append(_link(
            it.href,
            f'<rect x="{size + 10}" y="{y - 10}" width="12" height="12" rx="2" '
            f'class="bar series-{n}"/><text x="{size + 28}" y="{y}" class="chart-label">'
            f'{escape(fit(it.label, legend_w - 70))} · {_num(it.value)} ({share:.0f}%)</text>',
            f"{it.label}: {_num(it.value)}"))
    height = max(size, 20 + len(items) * 20)
    return _svg(size + legend_w + 20, height, label, "".join(parts), "chart-donut")


def _nice(top: float) -> float:
    """A round upper bound for an axis, whose quarters are round too."""
    if top <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(top))
    for m in (1, 1.2, 1.6, 2, 4, 6, 8, 10):
        if m * magnitude >= top and (m * magnitude / 4).is_integer():
            return m * magnitude
    return 10 * magnitude


def _axis(left: int, top: int, w: float, h: float, scale: float) -> str:
    out = []
    for i in range(5):
        value = scale * i / 4
        y = top + h - h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w:.1f}" y2="{y:.1f}" '
                   f'class="grid"/><text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
                   f'class="chart-tick">{_num(value)}</text>')
    return "".join(out)


def _legend(names: Sequence[str], left: int, y: int) -> str:
    out, x = [], float(left)
    for n, name in enumerate(names):
        out.append(f'<rect x="{x:.1f}" y="{y - 10}" width="12" height="12" rx="2" '
                   f'class="bar series-{n}"/><text x="{x + 16:.1f}" y="{y}" '
                   f'class="chart-label">{escape(name)}</text>')
        x += 16 + text_width(name) + 18
    return "".join(out)
