"""The note's impressions chart (``core.charts``: pygal SVG, no script, served as an image)."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.charts import SIZES, bar_chart

# A day label every n days, per chart size.
_DAY_LABEL_EVERY = {"wide": 5, "narrow": 10}

__all__ = ["SIZES", "impressions_chart"]


def impressions_chart(series: list[dict], size: str = "wide") -> bytes:
    """Daily impressions, stacked organic / bonus / boost, oldest day first."""
    # Translators: a PHP-style date format for the chart's day labels (month/day), e.g. "n月j日".
    day_format = pgettext("chart day label", "n/j")
    return bar_chart(
        title=_("Impressions per day, last %(n)s days") % {"n": len(series)},
        x_labels=[formats.date_format(day["day"], day_format) for day in series],
        series=[
            (_("Organic"), [day["organic"] for day in series]),
            (_("From the bonus"), [day["bonus"] for day in series]),
            (_("From a boost"), [day["boost"] for day in series]),
        ],
        size=size,
        label_every=_DAY_LABEL_EVERY[size],
        no_data_text=_("No impressions yet"),
    )
