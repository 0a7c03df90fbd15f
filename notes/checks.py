"""System checks: ``manage.py check`` (and every command) refuses traffic settings that make no sense."""

from __future__ import annotations

import math

from django.conf import settings
from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning

from core.pagination import FEED_PAGE_SIZE

# name → (lowest, highest, what it is); bounds are inclusive.
_BOUNDS = {
    "QUALITY_BONUS": (1.0, 10.0, "a multiplier from 1 (no bonus) to 10"),
    "FEATURED_BONUS": (1.0, 10.0, "a multiplier from 1 (no bonus) to 10"),
    "UNDECLARED_FACTOR": (0.001, 1.0, "a multiplier above 0 and at most 1"),
    "REDUCED_FACTOR": (0.001, 1.0, "a multiplier above 0 and at most 1"),
    "ACCOUNT_LIMIT_FACTOR": (0.001, 1.0, "a multiplier above 0 and at most 1"),
    "HALF_LIFE_HOURS": (0.1, 8760.0, "hours, from 0.1 to a year"),
    "ENGAGEMENT_PER_DOUBLING": (0.0, 1.0, "a share from 0 (likes do not count) to 1"),
    "UNDECLARED_DAYS": (1, 3650, "whole days, from 1 to 3650"),
    "MIN_BODY_CHARS": (0, 20000, "characters, from 0 to 20000"),
    "MIN_IMAGES": (1, 9, "images, from 1 to 9"),
    # Below 0.5 the 16 LSH bands of 4 miss most matches (notes.similarity).
    "TEXT_SIMILARITY": (0.5, 1.0, "a similarity from 0.5 to 1"),
    "IMAGE_DISTANCE": (0, 3, "bits, from 0 to 3 (the index finds every match up to 3)"),
    "BOOST_DAYS": (1, 365, "whole days, from 1 to 365"),
}


@register()
def traffic_settings_check(app_configs: object = None, **kwargs: object) -> list[Error]:
    conf = getattr(settings, "SUNLIGHT_TRAFFIC", None)
    if not isinstance(conf, dict):
        return [Error("SUNLIGHT_TRAFFIC must be a dict of traffic factors.", id="notes.E001")]
    errors = []
    for name, (low, high, meaning) in _BOUNDS.items():
        value = conf.get(name)
        whole = isinstance(low, int)
        valid = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if valid and whole and not float(value).is_integer():
            valid = False
        if not valid or not low <= value <= high:
            errors.append(
                Error(
                    f"SUNLIGHT_TRAFFIC[{name!r}] is {value!r}; it must be {meaning}.",
                    hint=f"Set SUNLIGHT_TRAFFIC_{name} in the environment to a value in range.",
                    id="notes.E002",
                )
            )
    quality, featured = conf.get("QUALITY_BONUS"), conf.get("FEATURED_BONUS")
    if isinstance(quality, int | float) and isinstance(featured, int | float) and featured < quality:
        errors.append(
            Error(
                f"SUNLIGHT_TRAFFIC['FEATURED_BONUS'] ({featured!r}) is below QUALITY_BONUS ({quality!r}): "
                "featuring a note would lower its reach.",
                id="notes.E004",
            )
        )
    slots = conf.get("BOOST_SLOTS")
    if (
        not isinstance(slots, list)
        or not all(isinstance(s, int) and 0 <= s < FEED_PAGE_SIZE for s in slots)
        or len(set(slots)) != len(slots)
    ):
        errors.append(
            Error(
                f"SUNLIGHT_TRAFFIC['BOOST_SLOTS'] is {slots!r}; it must be distinct feed positions "
                f"from 0 to {FEED_PAGE_SIZE - 1}.",
                hint="Set SUNLIGHT_TRAFFIC_BOOST_SLOTS to comma-separated positions, e.g. 0,12.",
                id="notes.E003",
            )
        )
    return errors


@register()
def impressions_store_check(app_configs: object = None, **kwargs: object) -> list[CheckWarning]:
    """Counters in process memory only add up where the flush runs in the same process."""
    if settings.SUNLIGHT_TASKS_IN_PROCESS or settings.SUNLIGHT_IMPRESSIONS_REDIS_URL:
        return []
    return [
        CheckWarning(
            "Impressions are counted in each web process's memory while tasks run on a worker: the "
            "worker's flush never sees them.",
            hint="Set SUNLIGHT_IMPRESSIONS_REDIS_URL (or REDIS_CACHE_URL).",
            id="notes.W001",
        )
    ]


_AUTOMATION_BOUNDS = {
    "REGULARITY_CV": (0.0, 1.0),
    "SPREAD_ENTROPY": (0.0, 1.0),
    "LATENCY_SECONDS": (0.0, 86400.0),
    "DUPLICATE_SHARE": (0.0, 1.0),
    "DUPLICATE_SIMILARITY": (0.5, 1.0),
    "BURST_PER_MINUTE": (2, 10000),
    "API_SHARE": (0.0, 1.0),
    # One signal alone must never open a case.
    "MIN_SIGNALS": (2, 6),
    "CASE_SCORE": (0.0, 1.0),
    "MIN_ACTIONS": (10, 100000),
    "MIN_SAMPLES": (2, 1000),
    "SPREAD_MIN_HOURS": (0, 720),
    "WINDOW_HOURS": (1, 720),
}
_MEASURE_BOUNDS = {
    "REDUCED_DAYS": (1, 365),
    "RESTRICTED_DAYS": (1, 365),
    "SUSPENSION_DAYS": (1, 3650),
    "DECAY_DAYS": (1, 3650),
    "REPEAT_WINDOW_DAYS": (1, 3650),
}


@register()
def measures_settings_check(app_configs: object = None, **kwargs: object) -> list[Error]:
    """Automation thresholds and measure durations within sense (README "Account measures")."""
    errors = []
    for setting, bounds in (
        ("SUNLIGHT_AUTOMATION", _AUTOMATION_BOUNDS),
        ("SUNLIGHT_MEASURES", _MEASURE_BOUNDS),
    ):
        conf = getattr(settings, setting, {})
        for name, (low, high) in bounds.items():
            value = conf.get(name)
            valid = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            if not valid or not low <= value <= high:
                errors.append(
                    Error(
                        f"{setting}[{name!r}] is {value!r}; it must be from {low} to {high}.", id="notes.E005"
                    )
                )
    automation = getattr(settings, "SUNLIGHT_AUTOMATION", {})
    samples, actions = automation.get("MIN_SAMPLES"), automation.get("MIN_ACTIONS")
    if isinstance(samples, int) and isinstance(actions, int) and samples * 2 > actions:
        errors.append(
            Error(
                "SUNLIGHT_AUTOMATION['MIN_SAMPLES'] must be at most half of MIN_ACTIONS "
                "(regularity needs two samples' worth of intervals).",
                id="notes.E006",
            )
        )
    return errors
