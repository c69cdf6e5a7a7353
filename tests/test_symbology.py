"""Proportional symbols are honest: area follows the count."""

from __future__ import annotations

import math

import pytest

from layers.symbology import MIN_RADIUS_PX, PROPORTIONAL_MAX_PX, proportional_radius


def test_area_is_proportional_to_the_count():
    ratio = (proportional_radius(495_000) / proportional_radius(131_000)) ** 2
    assert ratio == pytest.approx(495_000 / 131_000)


def test_the_reference_count_gets_the_largest_circle():
    assert proportional_radius(500_000) == pytest.approx(PROPORTIONAL_MAX_PX)


def test_tiny_counts_stay_visible_at_the_stated_minimum():
    assert proportional_radius(900) == MIN_RADIUS_PX
    assert proportional_radius(0) == MIN_RADIUS_PX
    assert proportional_radius(2_500) == pytest.approx(60 * math.sqrt(2_500 / 500_000))
