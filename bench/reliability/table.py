"""The printed figures: one table per scenario, one column per run of it.

A figure given with `must` is an invariant: the script exits non-zero if any run breaks one.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    label: str
    value: object
    must: object = None  # what the value has to be; None for a figure that is only reported

    @property
    def broken(self):
        return self.must is not None and self.value != self.must

    def cell(self):
        return f"{self.value} ≠ {self.must}" if self.broken else str(self.value)


def tally(counter):
    """A Counter as a cell: "118 receipt, 2 busy"."""
    return ", ".join(f"{count} {what}" for what, count in counter.most_common()) or "none"


class Table:
    def __init__(self, title, columns, runs):
        """`runs`: one list of Figures per column, all with the same labels in the same order."""
        self.title = title
        self.columns = columns
        self.runs = runs

    @property
    def broken(self):
        """Each broken invariant, said in a line: "1. Double submits: duplicate charges…"."""
        scenario = self.title.split(":")[0]
        return [f"{scenario}: {figure.label}{f' ({column})' if column else ''}: {figure.cell()}"
                for column, run in zip(self.columns, self.runs) for figure in run if figure.broken]

    def print(self):
        rows = list(zip(*self.runs))
        label_width = max(len(figures[0].label) for figures in rows)
        cells = [[figure.cell() for figure in figures] for figures in rows]
        widths = [max(len(column), *(len(row[i]) for row in cells))
                  for i, column in enumerate(self.columns)]
        print(f"\n{self.title}")
        if any(self.columns):
            headers = "".join(f"  {column:>{w}}" for column, w in zip(self.columns, widths))
            print("  " + " " * label_width + headers)
        for figures, row in zip(rows, cells):
            mark = ""
            if figures[0].must is not None:
                mark = "  BROKEN" if any(figure.broken for figure in figures) else "  ok"
            values = "".join(f"  {cell:>{w}}" for cell, w in zip(row, widths))
            print(f"  {figures[0].label:<{label_width}}{values}{mark}")
