"""Timing, medians, result rows and the table: what every workload shares."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Union

#: A measured value, or the reason there is none ("n/a (fd limit)").
Value = Union[float, str, None]

#: One trial of one variant: metric name -> measured value.
Trial = Callable[[], Mapping[str, float]]

REAL, OURS = "real", "ours"


@dataclass
class Target:
    """A goal for one row: ``ours <= value``, ``ours >= value`` or ``ours/real <= value``."""

    kind: str  # "ratio_le", "ours_le" or "ours_ge"
    value: float
    text: str

    def met(self, real: Value, ours: Value) -> bool | None:
        """Whether the measured values meet the target; ``None`` when they cannot tell."""
        if not isinstance(ours, float):
            return None
        if self.kind == "ours_le":
            return ours <= self.value
        if self.kind == "ours_ge":
            return ours >= self.value
        if not isinstance(real, float) or real <= 0:
            return None
        return ours / real <= self.value


@dataclass
class Row:
    """One line of the table: a metric measured on the kernel, on ours, and on predecessors."""

    workload: str
    unit: str
    real: Value
    ours: Value
    target: Target | None = None
    others: dict[str, Value] = field(default_factory=dict)
    samples: dict[str, list[float]] = field(default_factory=dict)
    note: str = ""
    #: False where the kernel's figure is ~0 and a ratio would mean nothing.
    show_ratio: bool = True

    @property
    def ratio(self) -> float | None:
        real, ours = self.real, self.ours
        if self.show_ratio and isinstance(real, float) and isinstance(ours, float) and real > 0:
            return ours / real
        return None

    @property
    def met(self) -> bool | None:
        return self.target.met(self.real, self.ours) if self.target else None

    def as_json(self) -> dict[str, object]:
        return {
            "workload": self.workload, "unit": self.unit, "real": self.real, "ours": self.ours,
            "ratio": self.ratio, "target": self.target.text if self.target else None,
            "met": self.met, "others": self.others, "samples": self.samples, "note": self.note,
        }


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def interleave(variants: Mapping[str, Trial], trials: int) -> dict[str, dict[str, list[float]]]:
    """Run each variant ``trials`` times, alternating which goes first; return all samples.

    The result maps variant -> metric -> samples.  Garbage is collected before
    each trial, and the collector stays enabled during it (as in a test suite).
    """
    names = list(variants)
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    for trial in range(trials):
        order = names if trial % 2 == 0 else names[::-1]
        for name in order:
            gc.collect()
            for metric, value in variants[name]().items():
                samples[name].setdefault(metric, []).append(value)
    return samples


def medians(samples: Mapping[str, list[float]]) -> dict[str, float]:
    return {metric: median(values) for metric, values in samples.items()}


class Stopwatch:
    """Accumulates the time spent inside ``with watch:`` blocks."""

    __slots__ = ("_start", "total")

    def __init__(self) -> None:
        self.total = 0.0
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.total += time.perf_counter() - self._start


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for a memory measurement."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- the table ---------------------------------------------------------------------


def fmt_value(value: Value, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if unit == "x":
        return f"{value:.2f}x"
    if unit in ("B", "connections"):
        return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    if abs(value) >= 10:
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"


def fmt_ratio(row: Row) -> str:
    ratio = row.ratio
    if ratio is None:
        return "-"
    return f"{ratio:,.0f}x" if ratio >= 100 else f"{ratio:.2f}x"


def fmt_met(row: Row) -> str:
    met = row.met
    return "-" if met is None else ("yes" if met else "NO")


def table(rows: list[Row], others: list[str], markdown: bool = False) -> str:
    """Render the rows as an aligned text table, or as Markdown."""
    header = ["workload", "real", "ours", "ours/real", "target", "met?", *others]
    lines = [header]
    for row in rows:
        lines.append([
            row.workload, fmt_value(row.real, row.unit), fmt_value(row.ours, row.unit),
            fmt_ratio(row), row.target.text if row.target else "", fmt_met(row),
            *(fmt_value(row.others.get(name), row.unit) for name in others),
        ])
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(cells) + " |" for cells in lines[1:]]
        return "\n".join(out)
    widths = [max(len(cells[i]) for cells in lines) for i in range(len(header))]
    out = []
    for number, cells in enumerate(lines):
        out.append("  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip())
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)
