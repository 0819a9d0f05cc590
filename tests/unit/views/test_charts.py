"""The dashboard's chart data: bar widths, stacking, heat levels, figures in the reader's language."""

from datetime import UTC, datetime

from django.utils import translation

from annotations.views import charts


def test_bars_are_widths_of_the_largest_value_and_none_has_no_bar():
    chart = charts.bar_chart([("a", 2), ("b", 4), ("c", None)], title="t")
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("a", "2"),
        ("b", "4"),
        ("c", "–"),
    ]
    assert [s.width for bar in chart.bars for s in bar.segments] == [50.0, 100.0]
    capped = charts.bar_chart([("a", 1.5)], title="t", max_value=1.0)
    assert capped.bars[0].segments[0].width == 100.0


def test_stacked_bars_follow_each_other_and_carry_a_legend():
    chart = charts.stacked_bars(
        [("x", [1, 0, 3]), ("y", [2, 2, 0])], parts=["p", "q", "r"], title="t"
    )
    x, y = chart.bars
    assert [(s.name, s.x, s.width) for s in x.segments] == [
        ("p", 0.0, 25.0),
        ("r", 25.0, 75.0),
    ]
    assert [(s.name, s.x, s.width) for s in y.segments] == [
        ("p", 0.0, 50.0),
        ("q", 50.0, 50.0),
    ]
    assert [entry.name for entry in chart.legend] == ["p", "q", "r"]


def test_heat_levels_span_the_range_and_none_is_its_own_level():
    chart = charts.heatmap(
        ["a", "b"], ["a", "b"], [[1.0, 0.0], [0.55, None]], title="t"
    )
    levels = [[cell.level for cell in row.cells] for row in chart.rows]
    assert levels == [[9, 0], [5, -1]]
    assert chart.rows[1].cells[0].title == "b × a: 0.55"


def test_figures_are_written_in_the_readers_language():
    with translation.override("de"):
        assert charts.fmt(0.5) == "0,50"
        chart = charts.bar_chart([("a", 0.25)], title="t")
        assert chart.bars[0].value == "0,25"
    assert charts.fmt(0.5) == "0.50"
    assert charts.fmt(None) == "–"
    assert charts.fmt(3.0) == "3"


def test_lines_place_later_and_higher_values_right_and_up():
    early = datetime(2026, 1, 1, 9, tzinfo=UTC)
    late = datetime(2026, 1, 1, 10, tzinfo=UTC)
    chart = charts.line_chart(
        {"alpha": [(early, 0.0), (late, 1.0)], "empty": [(early, None)]}, title="t"
    )
    (x0, y0), (x1, y1) = chart.lines[0].dots
    assert (x0, x1) == (charts.LINE_LEFT, charts.LINE_WIDTH - 8)
    assert y1 == charts.LINE_TOP
    assert y0 > y1
    assert chart.lines[1].dots == ()
    assert (chart.start, chart.end) == ("2026-01-01 09:00", "2026-01-01 10:00")
