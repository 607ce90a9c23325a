"""The charts: pygal's SVG with no script, a title, axis labels and the colour-blind palette."""

import base64

from crm.charts import OKABE_ITO, chart_data_uri, chart_svg
from crm.reporting import ChartSpec, Table


def _table(rows) -> Table:
    return Table(
        key="t",
        title="Callbacks per week",
        columns=["Week of", "On time", "Late"],
        rows=rows,
        chart=ChartSpec(
            kind="stacked_bar",
            x="Week of",
            series=("On time", "Late"),
            x_label="Week of",
            y_label="Callbacks",
        ),
    )


def test_a_chart_has_no_script_and_names_its_title_axes_and_series():
    svg = chart_svg(_table([["2026-11-23", 3, 1], ["2026-11-30", None, 2]])).decode()
    assert "<script" not in svg and "http://kozea.github.io" not in svg
    for text in ("Callbacks per week", "Week of", "Callbacks", "On time", "Late"):
        assert text in svg
    assert OKABE_ITO[0].lower() in svg.lower()
    assert 'width="100%"' in svg or "viewBox" in svg


def test_a_chart_is_an_image_address_and_nothing_without_rows():
    uri = chart_data_uri(_table([["2026-11-23", 3, 1]]))
    assert uri.startswith("data:image/svg+xml;base64,")
    assert b"Callbacks per week" in base64.b64decode(uri.split(",", 1)[1])
    assert chart_data_uri(_table([])) == ""
