"""Charts drawn on the server as SVG: no script, no library, nothing from another origin.

Each chart is an ``<svg class="chart" role="img">`` with a label saying what it shows, a ``<title>`` on
every bar (the value on hover), and the same numbers as a table for screen readers and copying
(templates: admin/qtakes/chart.html). Colours and type come from editorial.css, so the admin's dark
theme applies; the markup carries no style attribute, which the site's CSP would refuse.
"""

from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

ROW = 22  # px a horizontal bar takes, gap included
LABEL_WIDTH = 190
VALUE_WIDTH = 64
WIDTH = 640
COLUMNS_HEIGHT = 200
AXIS = 28  # px under the columns for their labels
LEFT = 44  # px left of the columns for the scale


@dataclass
class Chart:
    """What a template shows: the title, the SVG, and the rows of its table."""

    title: str
    svg: str
    rows: list = field(default_factory=list)  # (label, value, ...) as the table shows them
    headers: tuple = ("", "articles")
    note: str = ""
    legend: str = ""  # HTML: the key of a stacked chart's series


def number(value):
    return f"{value:,}"


def f1(value):
    """A coordinate with one decimal: format_html escapes its arguments into strings first."""
    return f"{value:.1f}"


def nice_max(value):
    """The top of a scale: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def short(label, limit=28):
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars(title, rows, *, css="chart-bars"):
    """Horizontal bars, one per (label, value, href or ""), longest first as given."""
    top = nice_max(max((value for _, value, _ in rows), default=0))
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(ROW * len(rows), ROW)
    parts = []
    for index, (label, value, href) in enumerate(rows):
        y = index * ROW
        width = max(round(span * value / top), 1 if value else 0)
        bar = format_html(
            '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>'
            '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
            '<text class="chart-value" x="{}" y="{}">{}</text>',
            LABEL_WIDTH, y + 3, width, ROW - 6, label, number(value),
            LABEL_WIDTH - 8, y + ROW - 7, short(label),
            LABEL_WIDTH + width + 6, y + ROW - 7, number(value),
        )  # fmt: skip
        parts.append(format_html('<a href="{}">{}</a>', href, bar) if href else bar)
    return svg(title, css, WIDTH, height, mark_safe("".join(parts)))  # noqa: S308 - parts escaped


def columns(title, points, *, series=("articles",), css="chart-columns", every=1):
    """Vertical columns over time: ``points`` are (label, values), one value per series, stacked.

    ``every``: label one column in so many, so that dates never overlap.
    """
    totals = [sum(values) for _, values in points]
    top = nice_max(max(totals, default=0))
    span = WIDTH - LEFT - 8
    step = span / max(len(points), 1)
    gap = min(4, step / 4)
    parts = [scale(top)]
    for index, (label, values) in enumerate(points):
        x = LEFT + index * step
        base = COLUMNS_HEIGHT
        for position, value in enumerate(values):
            height = COLUMNS_HEIGHT * value / top
            base -= height
            if value:
                parts.append(
                    format_html(
                        '<rect class="chart-bar chart-series-{}" x="{}" y="{}" width="{}" '
                        'height="{}"><title>{}: {} {}</title></rect>',
                        position,
                        f1(x + gap / 2),
                        f1(base),
                        f1(step - gap),
                        f1(height),
                        label,
                        number(value),
                        series[position],
                    )  # fmt: skip
                )
        if index % every == 0:
            parts.append(
                format_html(
                    '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f1(x + step / 2),
                    COLUMNS_HEIGHT + 18,
                    label,
                )  # fmt: skip
            )
    body = mark_safe("".join(parts))  # noqa: S308 - parts escaped
    return svg(title, css, WIDTH, COLUMNS_HEIGHT + AXIS, body)


def scale(top):
    """The horizontal lines at 0, half and the top of a column chart, with their values."""
    lines = []
    for fraction in (0, 0.5, 1) if top > 1 else (0, 1):
        y = COLUMNS_HEIGHT - COLUMNS_HEIGHT * fraction
        lines.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                '<text class="chart-scale" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH,
                f1(y),
                f1(y),
                LEFT - 6,
                f1(y + 4),
                number(round(top * fraction)),
            )  # fmt: skip
        )
    return "".join(lines)


def svg(title, css, width, height, body):
    return format_html(
        '<svg class="chart {}" role="img" aria-label="Chart: {}" viewBox="0 {} {} {}" '
        'preserveAspectRatio="xMinYMin meet" focusable="false"><title>{}</title>{}</svg>',
        css, title, -4, width, height + 8, title, body,
    )  # fmt: skip


def legend(names):
    """The key of a stacked chart's series, as a list the template shows under it."""
    return format_html_join(
        "", '<li><span class="chart-key chart-series-{}"></span>{}</li>', enumerate(names)
    )
