"""Bar charts as inline SVG, drawn on the server: no script, no charting library, no CDN.

A chart is a list of rows, each a label and one value per series. Labels sit above their bars so
the chart stays legible when a phone scales it down; a row may carry a total, drawn as a pale
track behind its bars (how many of how many). The SVG has a title and description for screen
readers, and every page that shows a chart also shows its numbers as a table.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .markup import escaped

WIDTH = 360
BAR_SPACE = 300  # the widest bar; the rest of the width is for the value printed after it
LABEL_HEIGHT = 16
BAR_HEIGHT = 12
BAR_GAP = 4
ROW_GAP = 10
TRACK_COLOUR = "#e3e7ee"
INK = "#1d2330"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    css_class: str  # the legend's swatch, since the page's CSS has no inline styles


@dataclass
class Row:
    label: str
    values: list
    total: Decimal | int | None = None
    lang: str = ""
    note: str = ""
    # A small mark after the label, such as the one of a translated name.
    mark: str = ""
    extra: dict = field(default_factory=dict)


def bar_chart(
    rows: list[Row],
    series: list[Series],
    *,
    title: str,
    description: str,
    chart_id: str,
    number_format=lambda value: f"{value:,}",
) -> SafeString:
    largest = max(
        [abs(value) for row in rows for value in row.values if value is not None]
        + [row.total for row in rows if row.total is not None]
        + [0]
    )
    scale = BAR_SPACE / largest if largest else 0
    row_height = LABEL_HEIGHT + len(series) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP
    height = max(row_height * len(rows), row_height)
    groups = []
    for index, row in enumerate(rows):
        top = index * row_height
        parts = [
            format_html(
                '<text x="0" y="{}" font-size="12" fill="{}"{}>{}{}</text>',
                top + LABEL_HEIGHT - 4,
                INK,
                format_html(' lang="{}"', row.lang) if row.lang else "",
                _shorten(row.label),
                format_html(' <tspan font-size="9" dy="-4">{}</tspan>', row.mark)
                if row.mark
                else "",
            )
        ]
        bar_top = top + LABEL_HEIGHT
        if row.total is not None:
            parts.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>',
                    bar_top,
                    _fixed(row.total * scale),
                    len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP,
                    TRACK_COLOUR,
                )
            )
        for position, (one, value) in enumerate(zip(series, row.values, strict=True)):
            y = bar_top + position * (BAR_HEIGHT + BAR_GAP)
            width = (value or 0) * scale
            shown = "–" if value is None else number_format(value)
            parts.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
                    '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
                    y,
                    _fixed(width),
                    BAR_HEIGHT,
                    one.colour,
                    one.name,
                    shown,
                    _fixed(max(width, row.total * scale if row.total else 0) + 4),
                    y + BAR_HEIGHT - 2,
                    INK,
                    shown,
                )
            )
        groups.append(
            format_html(
                "<g><title>{}</title>{}</g>",
                f"{row.label}{' — ' + row.note if row.note else ''}"
                f"{' (' + row.extra['mark_label'] + ')' if row.extra.get('mark_label') else ''}",
                format_html_join("", "{}", ((part,) for part in parts)),
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        format_html_join("", "{}", ((group,) for group in groups)),
    )


def _fixed(number) -> str:
    """SVG coordinates with one decimal: enough on any screen, and stable in tests."""
    return f"{float(number):.1f}"


def _shorten(label: str, room: int = 52) -> str:
    """Fit a label in the chart's width, counting a Chinese character as two Latin ones.
    The whole label is in the row's <title> and in the data table."""
    used = 0
    for index, character in enumerate(label):
        used += 2 if ord(character) > 0x2E80 else 1
        if used > room:
            return label[:index].rstrip() + "…"
    return label


# Colours for the parts of a stacked bar, in order; the page's CSS has a swatch-p<n> class for
# each, for the legend.
PALETTE = ["#0b5cad", "#8a4b00", "#1f6b3a", "#5b2a9e", "#b3261e", "#00687a", "#6b5900", "#5c5c5c"]
STACK_HEIGHT = 18


@dataclass
class Part:
    """One segment of a stacked bar: its legend entry's index and its value."""

    index: int
    value: int | Decimal | None
    label: str = ""


def stacked_bar_chart(
    rows: list[tuple[str, list[Part]]],
    *,
    title: str,
    description: str,
    chart_id: str,
    full: int = 100,
    unit: str = "%",
) -> SafeString:
    """One bar per row, split into parts that together make ``full`` (per cent, by default),
    each part coloured by its index in the legend; a bar whose parts do not make ``full``
    is as long as its sum, so a shortfall or an excess shows."""
    largest = max([full] + [sum(p.value or 0 for p in parts) for _label, parts in rows])
    scale = BAR_SPACE / largest if largest else 0
    row_height = LABEL_HEIGHT + STACK_HEIGHT + ROW_GAP
    # Written with f-strings and escaped(), not format_html(): a record's page draws a chart per
    # standard, each of a few dozen pieces, and format_html() cost most of the record's assembly.
    groups = []
    for number, (label, parts) in enumerate(rows):
        top = number * row_height
        bar_top = top + LABEL_HEIGHT
        pieces = [
            f'<g><title>{escaped(label)}</title><text x="0" y="{top + LABEL_HEIGHT - 4}" '
            f'font-size="12" fill="{INK}" lang="zh-Hans">{escaped(_shorten(label))}</text>'
            f'<rect x="0" y="{bar_top}" width="{_fixed(full * scale)}" height="{STACK_HEIGHT}" '
            f'fill="none" stroke="{TRACK_COLOUR}"/>'
        ]
        x = Decimal(0)
        for part in parts:
            width = Decimal(part.value or 0) * Decimal(scale)
            pieces.append(
                f'<rect x="{_fixed(x)}" y="{bar_top}" width="{_fixed(width)}" '
                f'height="{STACK_HEIGHT}" fill="{PALETTE[part.index % len(PALETTE)]}" '
                f'stroke="#fff"><title>{escaped(part.label)}: {escaped(part.value)}'
                f"{escaped(unit)}</title></rect>"
            )
            x += width
        total = sum(p.value or 0 for p in parts)
        pieces.append(
            f'<text x="{_fixed(max(x, Decimal(full * scale)) + 4)}" '
            f'y="{top + LABEL_HEIGHT + STACK_HEIGHT - 5}" font-size="11" fill="{INK}">'
            f"{escaped(total)}{escaped(unit)}</text></g>"
        )
        groups.append("".join(pieces))
    chart_id = escaped(chart_id)
    return SafeString(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {max(row_height * len(rows), row_height)}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-title">{escaped(title)}</title>'
        f'<desc id="{chart_id}-desc">{escaped(description)}</desc>{"".join(groups)}</svg>'
    )
