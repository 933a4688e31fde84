"""Bar charts drawn on the server as SVG, with no chart library: the geometry is computed here,
and templates/admin/chart.html draws it and words the values (money, percentages)."""
import math
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 220
# Room for the value axis on the left and the day labels below.
LEFT, RIGHT, TOP, BOTTOM = 72, WIDTH - 8, 10, HEIGHT - 26
GRID_LINES = 4


@dataclass(frozen=True)
class Bar:
    key: object  # what the bar is for (a day)
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    value: float
    y: float


@dataclass(frozen=True)
class Label:
    key: object
    x: float


@dataclass(frozen=True)
class BarChart:
    bars: list
    ticks: list  # value axis, bottom to top
    labels: list  # every `label_every`th key, under its bar
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    bottom: int = BOTTOM


def nice_ceiling(value):
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value`: a top the grid divides evenly."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def bar_chart(points, top=None, label_every=7):
    """`points` are (key, value) pairs, values zero or more; `top` fixes the axis (100 for %)."""
    values = [value or 0 for _, value in points]
    top = top or nice_ceiling(max(values, default=0))
    slot = (RIGHT - LEFT) / max(len(points), 1)
    scale = (BOTTOM - TOP) / top
    bars = []
    for index, ((key, _), value) in enumerate(zip(points, values)):
        height = value * scale
        bars.append(Bar(key, value, x=LEFT + index * slot + slot * 0.15, y=BOTTOM - height,
                        width=slot * 0.7, height=height))
    ticks = [Tick(top * n / GRID_LINES, BOTTOM - (BOTTOM - TOP) * n / GRID_LINES)
             for n in range(GRID_LINES + 1)]
    # Counted from the last bar, so the latest day always has its label.
    labels = [Label(bar.key, bar.x + bar.width / 2)
              for index, bar in enumerate(bars) if (len(bars) - 1 - index) % label_every == 0]
    return BarChart(bars, ticks, labels)
