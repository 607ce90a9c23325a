"""Helpers of the drill-down tests: follow a figure's link and read the rows it lists."""

from datetime import UTC, datetime

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
# Rows of every test fit on the first page of each list.
ONE_PAGE = 25


def figures(client, **query) -> dict[str, dict]:
    """Return {section key: {figure label: figure}} of /reports/ for the last 30 days."""
    response = client.get("/reports/", {"period": "30", **query})
    assert response.status_code == 200
    return {
        section.key: {figure.label: figure for figure in section.figures}
        for section in response.context["sections"]
    }


def tables(client, **query) -> dict:
    """Return {table key: table} of /reports/ for the last 30 days."""
    response = client.get("/reports/", {"period": "30", **query})
    return {
        table.key: table for section in response.context["sections"] for table in section.tables
    }


def listed(client, url: str) -> set[int]:
    """Follow a link to a list page and return the keys of the rows it lists."""
    assert url and not url.startswith("/admin/"), url
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    rows = list(getattr(page, "object_list", page))
    assert len(rows) < ONE_PAGE
    return {row.pk for row in rows}
