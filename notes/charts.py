"""Server-rendered SVG charts (pygal): no script, no external resource, served as an image."""

from __future__ import annotations

import re

import pygal
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
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
    colors=("#2f6f4f", "#b8860b", "#1f5fa8"),
    font_family="system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
)
_FONT_SIZES = ("label_font_size", "major_label_font_size", "legend_font_size", "title_font_size")


# name → (width, height, font scale, a day label every n days): the page's <picture> picks one.
SIZES = {"wide": (900, 360, 1.0, 5), "narrow": (420, 380, 1.5, 10)}


def _integer_ticks(highest: int) -> list[int]:
    """Whole-number ticks from 0 on a 1-2-5 scale, about five of them (impressions are counted)."""
    step, factors = 1, (2, 2.5, 2)  # 1 → 2 → 5 → 10 → 20 → 50 …
    turn = 0
    while highest / step > 5:
        step = int(step * factors[turn % 3])
        turn += 1
    return list(range(0, highest + step, step))


def impressions_chart(series: list[dict], size: str = "wide") -> bytes:
    """Daily impressions, stacked organic / bonus / boost, oldest day first."""
    width, height, scale, every = SIZES[size]
    style = Style(**{**_STYLE, **{name: int(_STYLE[name] * scale) for name in _FONT_SIZES}})
    highest = max((day["organic"] + day["bonus"] + day["boost"] for day in series), default=0)
    chart = pygal.StackedBar(
        js=[],
        style=style,
        width=width,
        height=height,
        legend_at_bottom=True,
        legend_at_bottom_columns=3 if size == "wide" else 1,
        show_minor_x_labels=False,
        x_labels_major_every=every,
        truncate_label=-1,
        print_values=False,
        y_labels=_integer_ticks(max(highest, 1)),
        no_data_text=_("No impressions yet"),
        title=_("Impressions per day, last %(n)s days") % {"n": len(series)},
    )
    # Translators: a PHP-style date format for the chart's day labels (month/day), e.g. "n月j日".
    day_format = pgettext("chart day label", "n/j")
    chart.x_labels = [formats.date_format(day["day"], day_format) for day in series]
    chart.add(_("Organic"), [day["organic"] for day in series])
    chart.add(_("From the bonus"), [day["bonus"] for day in series])
    chart.add(_("From a boost"), [day["boost"] for day in series])
    return _SCRIPT.sub(b"", chart.render())
