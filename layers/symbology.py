"""Sizes and dash patterns shared by the live map and the legend."""

from __future__ import annotations

import math

__all__ = ["APPROX_DASH", "DEPLOYMENT_DASH", "MIN_RADIUS_PX", "PROPORTIONAL_MAX_PX",
           "PROPORTIONAL_REFERENCE", "proportional_radius"]

# Circle area is proportional to the count, against a fixed reference so that
# the same count always has the same size, whatever else is shown.
PROPORTIONAL_REFERENCE = 500_000
PROPORTIONAL_MAX_PX = 60.0
# Below this a circle cannot be seen or hovered; the legend says so.
MIN_RADIUS_PX = 3.0
DEPLOYMENT_DASH = "14 8"
APPROX_DASH = "6 6"


def proportional_radius(value: int) -> float:
    """Radius in pixels of the circle for a count (area proportional to count)."""
    radius = PROPORTIONAL_MAX_PX * math.sqrt(max(value, 0) / PROPORTIONAL_REFERENCE)
    return max(radius, MIN_RADIUS_PX)
