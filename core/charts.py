"""Server-rendered SVG charts (pygal): no script, no external resource, served as an image."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

# pygal writes its tooltip configuration as an inline script even without its JavaScript; an image
# runs no script anyway, and leaving it out keeps the file free of anything a policy would flag.
_SCRIPT = re.compile(rb"<script\b[^>]*>.*?</script>", re.S)

_STYLE = dict(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2328",
    foreground_strong="#1f2328",
    foreground_subtle="#57606a",
    colors=("#2f6f4f", "#b8860b", "#1f5fa8", "#8b3a62", "#5a5a5a"),
    font_family="system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
)
_FONT_SIZES = ("label_font_size", "major_label_font_size", "legend_font_size", "title_font_size")

# name → (width, height, font scale): the page's <picture> picks one.
SIZES = {"wide": (900, 360, 1.0), "narrow": (420, 380, 1.5)}


def integer_ticks(highest: int) -> list[int]:
    """Whole-number ticks from 0 on a 1-2-5 scale, about five of them (for counted things)."""
    step, factors = 1, (2, 2.5, 2)  # 1 → 2 → 5 → 10 → 20 → 50 …
    turn = 0
    while highest / step > 5:
        step = int(step * factors[turn % 3])
        turn += 1
    return list(range(0, highest + step, step))


def bar_chart(
    *,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[int]]],
    size: str = "wide",
    stacked: bool = True,
    label_every: int = 1,
    no_data_text: str = "",
) -> bytes:
    """Counted series over ``x_labels`` as (stacked) bars, sized for ``size`` (a key of SIZES)."""
    width, height, scale = SIZES[size]
    style = Style(**{**_STYLE, **{name: int(_STYLE[name] * scale) for name in _FONT_SIZES}})
    if stacked:
        highest = max((sum(values[i] for _name, values in series) for i in range(len(x_labels))), default=0)
    else:
        highest = max((max(values, default=0) for _name, values in series), default=0)
    chart = (pygal.StackedBar if stacked else pygal.Bar)(
        js=[],
        style=style,
        width=width,
        height=height,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(series), 3) if size == "wide" else 1,
        show_minor_x_labels=False,
        x_labels_major_every=label_every,
        truncate_label=-1,
        truncate_legend=-1,
        print_values=False,
        y_labels=integer_ticks(max(highest, 1)),
        no_data_text=no_data_text,
        title=title,
    )
    chart.x_labels = x_labels
    for name, values in series:
        chart.add(name, values)
    return _SCRIPT.sub(b"", chart.render())
