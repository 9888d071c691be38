"""A category's workflow drawn as an SVG diagram on the server (no script, no style attributes).

States are boxes in columns by their distance from ``new`` (left to right), coloured by kind
through CSS classes (``wf-new``, ``wf-active``, ...); each pair of states joined by steps gets
one arrow whose tooltip (``<title>``) lists the steps and who takes them. Steps the category's
own plugin adds are drawn darker and labelled; the core lifecycle's are thin and grey.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from hdcore.workflow import Workflow

BOX_W, BOX_H = 150, 38
COL_GAP, ROW_GAP = 110, 22
MARGIN = 16
MAX_CHARS = 16  # a label longer than this is cut (the tooltip keeps it whole)


def _columns(wf: Workflow) -> dict[str, int]:
    """Each state's column: its distance in steps from ``new`` (final states last)."""
    depth = {"new": 0}
    queue = deque(["new"])
    while queue:
        state = queue.popleft()
        for t in wf.outgoing(state):
            if t.target not in depth:
                depth[t.target] = depth[state] + 1
                queue.append(t.target)
    last = max(depth.values(), default=0)
    for name in wf.states:
        depth.setdefault(name, last)
    finals = [n for n in wf.states if wf.is_final(n)]
    end = max((depth[n] for n in wf.states if n not in finals), default=0) + 1
    for n in finals:
        depth[n] = end
    return depth


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def workflow_svg(wf: Workflow, owner: str = "", title: str = "") -> Markup:
    """The SVG markup of ``wf``; ``owner`` is the plugin whose steps are highlighted."""
    cols = _columns(wf)
    rows: dict[int, list[str]] = {}
    for name in wf.states:
        rows.setdefault(cols[name], []).append(name)
    pos: dict[str, tuple[int, int]] = {}
    for col, names in rows.items():
        for i, name in enumerate(names):
            pos[name] = (MARGIN + col * (BOX_W + COL_GAP), MARGIN + 14 + i * (BOX_H + ROW_GAP))
    width = MARGIN * 2 + (max(rows) + 1) * (BOX_W + COL_GAP) - COL_GAP
    height = MARGIN * 2 + 14 + max(len(v) for v in rows.values()) * (BOX_H + ROW_GAP)
    uid = f"wf-{wf.category}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow-svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{uid}-title">',
        f'<title id="{uid}-title">{escape(title or wf.category)}</title>',
        f'<defs><marker id="{uid}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs>',
    ]
    pairs: dict[tuple[str, str], list[str]] = {}
    own: dict[tuple[str, str], str] = {}
    for t in wf.transitions.values():
        for src in t.sources:
            if src == t.target:
                continue
            pairs.setdefault((src, t.target), []).append(str(t.label))
            if owner and t.origin == owner:
                own.setdefault((src, t.target), str(t.label))
    labels = []
    for (src, dst), names in pairs.items():
        (x1, y1), (x2, y2) = pos[src], pos[dst]
        mine = (src, dst) in own
        cls = "wf-edge own" if mine else "wf-edge"
        if cols[dst] > cols[src]:
            sx, sy, ex, ey = x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2
            path = f"M{sx},{sy} C{sx + 35},{sy} {ex - 35},{ey} {ex},{ey}"
            label_y = (sy + ey) / 2 - 4
        else:  # backwards or within a column: arc below the boxes
            sx, sy, ex, ey = x1 + BOX_W / 2, y1 + BOX_H, x2 + BOX_W / 2, y2 + BOX_H
            dip = max(sy, ey) + ROW_GAP - 4
            path = f"M{sx},{sy} C{sx},{dip} {ex},{dip} {ex},{ey}"
            label_y = (max(sy, ey) + dip) / 2 + 8  # under the boxes, on the arc
        stroke = 'stroke="#1d4ed8" stroke-width="1.6"' if mine else \
            'stroke="#9ca3af" stroke-width="1"'
        parts.append(
            f'<path class="{cls}" d="{path}" fill="none" {stroke} '
            f'marker-end="url(#{uid}-arrow)"><title>{escape(" / ".join(names))}</title></path>')
        if mine:
            lx, ly = (sx + ex) / 2, label_y
            labels.append(f'<text class="wf-edge-label" x="{lx:.0f}" y="{ly:.0f}" '
                          f'text-anchor="middle" font-size="10" fill="#1d4ed8">'
                          f'{escape(_cut(own[(src, dst)]))}</text>')
    for name, state in wf.states.items():
        x, y = pos[name]
        kind = state.kind.value
        parts.append(
            f'<g class="wf-state wf-{kind}"><title>{escape(str(state.label))}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" '
            f'fill="#f9fafb" stroke="#6b7280"/>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + BOX_H / 2 + 4:.0f}" text-anchor="middle" '
            f'font-size="12" fill="#111827">{escape(_cut(str(state.label)))}</text></g>')
    parts.extend(labels)
    parts.append("</svg>")
    return Markup("".join(parts))
