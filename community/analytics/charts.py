"""Bar charts as SVG strings, in plain Python (no Django, no JavaScript).

Each chart carries a <title> and a <desc> (named by aria-labelledby) and prints its values on
the bars, so it reads without colour; a hidden value (privacy floor) is a hatched bar with its
own text, never a height. Colours are SVG presentation attributes, which the Content Security
Policy allows (it forbids style attributes and <style> elements, not these). The page puts a
table of the same figures beside each chart.
"""

from dataclasses import dataclass
from html import escape

INK = "#1f2328"
BAR = "#7a4f00"  # the brand's dark shade: 8.6:1 on white
MUTED = "#59636e"
HATCH = "#59636e"
GRID = "#d0d7de"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: hidden by the privacy floor
    text: str  # what is printed for it: "12", "fewer than 10"


def _attrs(chart_id: str, title: str, desc: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern></defs>'
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def horizontal_bars(
    *, chart_id: str, title: str, desc: str, bars: list[Bar], width: int = 640
) -> str:
    """One row per bar: its label, the bar, its value printed after it."""
    label_width, value_width, row, top = 210, 110, 26, 8
    height = top * 2 + row * max(len(bars), 1)
    room = width - label_width - value_width
    largest = max((bar.value or 0 for bar in bars), default=0) or 1
    parts = [_attrs(chart_id, title, desc, width, height), f'<g {FONT} fill="{INK}">']
    for index, bar in enumerate(bars):
        y = top + index * row
        middle = y + row / 2 + 4
        parts.append(
            f'<text x="{label_width - 8}" y="{middle:.1f}" text-anchor="end">'
            f"{escape(_short(bar.label, 26))}</text>"
        )
        if bar.value is None:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{room}" height="{row - 8}" '
                f'fill="url(#{chart_id}-hatch)" stroke="{HATCH}" opacity="0.5"/>'
            )
            bar_end = float(label_width + room)
        else:
            length = room * bar.value / largest
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
                f'fill="{BAR}"/>'
            )
            bar_end = label_width + length
        parts.append(f'<text x="{bar_end + 6:.1f}" y="{middle:.1f}">{escape(bar.text)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def vertical_bars(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: list[Bar],
    width: int = 640,
    height: int = 200,
) -> str:
    """Bars side by side (weeks, quarters): values printed on top while there is room, axis
    labels thinned to about a dozen."""
    left, right, top, bottom = 36, 8, 18, 34
    plot_width, plot_height = width - left - right, height - top - bottom
    count = max(len(bars), 1)
    slot = plot_width / count
    gap = min(slot * 0.2, 6)
    largest = max((bar.value or 0 for bar in bars), default=0) or 1
    every = max(1, round(count / 12))
    base = top + plot_height
    parts = [
        _attrs(chart_id, title, desc, width, height),
        f'<g {FONT} fill="{INK}">',
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="{GRID}"/>',
        f'<line x1="{left}" y1="{top}" x2="{width - right}" y2="{top}" stroke="{GRID}" '
        f'stroke-dasharray="3 3"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" fill="{MUTED}">{largest}</text>',
        f'<text x="{left - 4}" y="{base + 4}" text-anchor="end" fill="{MUTED}">0</text>',
    ]
    for index, bar in enumerate(bars):
        x = left + index * slot + gap / 2
        bar_width = slot - gap
        centre = x + bar_width / 2
        if bar.value is None:
            parts.append(
                f'<rect x="{x:.1f}" y="{top}" width="{bar_width:.1f}" height="{plot_height}" '
                f'fill="url(#{chart_id}-hatch)" stroke="{HATCH}" opacity="0.5"/>'
            )
            if slot >= 80:  # room to say why; narrower columns leave it to the table
                parts.append(
                    f'<text x="{centre:.1f}" y="{top + 16}" text-anchor="middle">'
                    f"{escape(bar.text)}</text>"
                )
        else:
            bar_height = plot_height * bar.value / largest
            parts.append(
                f'<rect x="{x:.1f}" y="{base - bar_height:.1f}" width="{bar_width:.1f}" '
                f'height="{bar_height:.1f}" fill="{BAR}"/>'
            )
            if slot >= 22:
                parts.append(
                    f'<text x="{centre:.1f}" y="{base - bar_height - 4:.1f}" '
                    f'text-anchor="middle">{escape(bar.text)}</text>'
                )
        if index % every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{base + 16}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(bar.label)}</text>'
            )
    parts.append("</g></svg>")
    return "".join(parts)
