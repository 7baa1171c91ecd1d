"""The SVG charts are drawn on the server: self-contained markup, labels escaped, bars
proportional to their values, gaps where a value is missing."""

import re

from complaints.reports.charts import bar_chart, line_chart


def test_bar_chart_scales_bars_and_escapes_labels():
    """The longest bar belongs to the largest value, half the value draws half the bar,
    a missing value draws no bar but a dash, and labels cannot inject markup."""
    svg = bar_chart(
        [("<script>alert(1)</script>", 10), ("Half", 5), ("Nothing", None)],
        title="Counts & more",
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "<title>Counts &amp; more</title>" in svg
    widths = [float(width) for width in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert len(widths) == 2
    assert widths[1] == widths[0] / 2
    assert ">—</text>" in svg


def test_bar_chart_with_fixed_scale_and_marks():
    """A percentage scale ends at 100; red and black marks colour their bars."""
    svg = bar_chart([("A", 50), ("B", 100)], title="Rates", maximum=100, marks=["red", "black"])
    widths = [float(width) for width in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == widths[1] / 2
    assert 'fill="#ba2121"' in svg
    assert 'fill="#333333"' in svg


def test_empty_bar_chart_draws_a_dash():
    assert ">—</text>" in bar_chart([], title="Empty")


def test_line_chart_breaks_at_missing_months():
    """Months without a value leave a gap: two runs of points make two lines."""
    svg = line_chart(
        [("2025-01", 60.0), ("2025-02", 70.0), ("2025-03", None), ("2025-04", 80.0)],
        title="Trend",
    )
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 3
    assert "2025-03" in svg
    assert ">70.0</text>" in svg


def test_line_chart_without_values():
    svg = line_chart([("2025-01", None), ("2025-02", None)], title="Trend")
    assert "<polyline" not in svg
    assert "2025-02" in svg
