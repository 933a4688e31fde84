"""storefront/admin/charts.py: bar geometry and a value axis that divides evenly."""
from datetime import date, timedelta

import pytest

from storefront.admin import charts


@pytest.mark.parametrize("value, top", [(0, 1), (1, 1), (7, 10), (11, 20), (180, 200), (2100, 2500),
                                        (4999, 5000), (5001, 10000)])
def test_nice_ceiling(value, top):
    assert charts.nice_ceiling(value) == top


def test_bars_scale_to_the_axis_and_sit_on_the_baseline():
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(10)]
    chart = charts.bar_chart(list(zip(days, [0, 500, 1000, 2000, 0, 0, 0, 0, 0, 1800])))
    plot_height = charts.BOTTOM - charts.TOP
    assert [tick.value for tick in chart.ticks] == [0, 500, 1000, 1500, 2000]
    tallest = chart.bars[3]
    assert tallest.height == pytest.approx(plot_height) and tallest.y == pytest.approx(charts.TOP)
    assert chart.bars[1].height == pytest.approx(plot_height / 4)
    assert all(bar.y + bar.height == pytest.approx(charts.BOTTOM) for bar in chart.bars)
    assert all(charts.LEFT <= bar.x and bar.x + bar.width <= charts.RIGHT for bar in chart.bars)
    xs = [bar.x for bar in chart.bars]
    assert xs == sorted(xs)


def test_labels_every_seventh_bar_ending_with_the_last():
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(30)]
    chart = charts.bar_chart([(day, 1) for day in days])
    assert [label.key for label in chart.labels] == [days[n] for n in (1, 8, 15, 22, 29)]


def test_a_fixed_top_and_missing_values():
    chart = charts.bar_chart([(date(2026, 11, 1), None), (date(2026, 11, 2), 50)], top=100)
    assert chart.ticks[-1].value == 100
    assert chart.bars[0].height == 0
    assert chart.bars[1].height == pytest.approx((charts.BOTTOM - charts.TOP) / 2)
