"""Draw a report table's chart as SVG with pygal, on the server, without any JavaScript.

Why pygal: it is maintained, draws on the server (nothing to vendor, no CDN, nothing for the
Content-Security-Policy to refuse once its script is turned off) and gives a resizable SVG that
prints sharply. The SVG is embedded as a ``data:`` image (the policy's ``img-src`` allows
``data:``): its own ``<style>`` stays inside the image, where the page's policy does not reach,
and the page needs neither an inline style nor a second request per chart.
"""

import base64
import hashlib
import re

import pygal
from django.core.cache import cache
from django.utils.translation import get_language
from pygal.style import Style

from crm.reporting import Table

# Okabe and Ito's palette, told apart by people with any common colour blindness.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermilion
    "#F0E442",  # yellow
    "#000000",
)

CHART_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222222",
    foreground_strong="#000000",
    foreground_subtle="#666666",
    colors=OKABE_ITO,
    font_family="system-ui, sans-serif",
    # Large against the drawing's 480 px: on a 360 px phone it is shown at about two thirds.
    title_font_size=20,
    label_font_size=15,
    major_label_font_size=15,
    legend_font_size=16,
    value_font_size=15,
)

INLINE_SCRIPT = re.compile(rb"<script\b[^>]*>.*?</script>", re.DOTALL)

KINDS = {
    "bar": pygal.Bar,
    "stacked_bar": pygal.StackedBar,
    "line": pygal.Line,
}


def chart_svg(table: Table) -> bytes | None:
    """Return the table's chart as an SVG document, or None when it has no chart or no rows."""
    spec = table.chart
    if spec is None or not table.rows:
        return None
    chart = KINDS[spec.kind](
        style=CHART_STYLE,
        # pygal's default config loads its tooltips' script from a CDN: none here.
        js=[],
        title=str(table.title),
        x_title=str(spec.x_label),
        y_title=str(spec.y_label),
        # Fits its container: readable at 360 px and on paper.
        width=480,
        height=400,
        explicit_size=False,
        # One series is named by the axis; several need their legend.
        show_legend=len(spec.series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        x_label_rotation=45,
        truncate_label=14,
        truncate_legend=30,
        disable_xml_declaration=False,
        print_values=False,
        show_minor_x_labels=True,
    )
    chart.x_labels = [str(value) for value in table.column(spec.x)]
    for name in spec.series:
        chart.add(str(name), [_number(value) for value in table.column(name)])
    # pygal writes its configuration for the tooltip script inline even with no script to
    # read it; an image never runs it, and no script at all is simpler to trust.
    return INLINE_SCRIPT.sub(b"", chart.render())


# Drawing a chart costs pygal 20-40 ms, and the same figures come back on every visit of the
# day; a drawing is kept under a digest of everything it shows, so new figures draw afresh.
KEPT_SECONDS = 600


def chart_data_uri(table: Table) -> str:
    """Return the table's chart as a ``data:`` address for an <img>, or "" when it has none."""
    if table.chart is None or not table.rows:
        return ""
    key = (
        "chart:"
        + hashlib.sha256(
            repr(
                (get_language(), str(table.title), table.columns, table.rows, table.chart)
            ).encode()
        ).hexdigest()
    )
    uri = cache.get(key)
    if uri is None:
        svg = chart_svg(table)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        cache.set(key, uri, KEPT_SECONDS)
    return uri


def _number(value):
    """Return a cell as a number pygal can draw; None (nothing to measure) stays a gap."""
    if value is None or value == "":
        return None
    return float(value)
