"""The time model against a brute-force oracle, through the store, on both backends.

Random things, each with claims recorded in turn (random as-of dates, optional
valid_from and valid_to, random reporting dates, sometimes in a series) and random
retractions; then, for random (as_of, known_on) pairs, the ids the map shows must be
the ones the README's rules give. The oracle below is written from those rules alone
and calls none of the project's code:

- a thing's word as known on K is its claim reported latest by K (ties: the one
  recorded later), unless a retraction reported by K closed that claim;
- that claim holds from its valid_from, else its as_of date, until its valid_to
  (both days included; no valid_to: open);
- of the claims of one series holding on a day, only the latest as-of date shows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import SchemaError
from geo.features import place
from geo.timeline import features_at

BASE = dt.date(2024, 1, 1)
_EXAMPLES = itertools.count()


@dataclass
class Step:
    """One write: a claim about thing `thing`, or (claim None) a retraction of it."""

    thing: int
    as_of: int = 0  # days after BASE
    valid_from: int | None = None
    valid_to: int | None = None
    reported: int = 0
    series: int | None = None
    retraction: bool = False


def _day(offset: int | None) -> dt.date | None:
    return None if offset is None else BASE + dt.timedelta(days=offset)


@st.composite
def histories(draw):
    things = draw(st.integers(1, 4))
    series = {t: draw(st.sampled_from([None, 0, 1])) for t in range(things)}
    steps: list[Step] = []
    count = draw(st.integers(1, 9))
    # Distinct as-of dates: two figures of one series on one day would have no order.
    as_ofs = draw(st.lists(st.integers(0, 60), min_size=count, max_size=count, unique=True))
    for as_of in as_ofs:
        thing = draw(st.integers(0, things - 1))
        if steps and draw(st.integers(0, 4)) == 0:
            steps.append(Step(thing, reported=draw(st.integers(0, 80)), retraction=True))
            continue
        valid_from = draw(st.one_of(st.none(), st.integers(0, 60)))
        start = as_of if valid_from is None else valid_from
        valid_to = draw(st.one_of(st.none(), st.integers(start, 70)))
        steps.append(Step(thing, as_of, valid_from, valid_to,
                          reported=as_of + draw(st.integers(0, 20)), series=series[thing]))
    return steps


def _raw(prefix: str, step: Step, index: int) -> dict:
    return {
        "id": f"{prefix}-{step.thing}", "layer": "time-model", "symbol": "point",
        "name_en": f"Thing {step.thing}", "name_ar": "شيء", "kind": "patrol",
        "kind_ar": "دورية", "actor_en": "Someone", "actor_ar": "أحد",
        "summary_en": "A test claim.", "summary_ar": "ادعاء للاختبار.",
        # A count per claim: two claims never say the same, so each one is recorded.
        "count": {"value": index + 1},
        "as_of": _day(step.as_of).isoformat(), "reported_on": _day(step.reported).isoformat(),
        "valid_from": _day(step.valid_from) and _day(step.valid_from).isoformat(),
        "valid_to": _day(step.valid_to) and _day(step.valid_to).isoformat(),
        "series": None if step.series is None else f"{prefix}-series-{step.series}",
        "sources": [{"who": "A test", "who_ar": "اختبار"}], "confidence": "media",
        "geometry_approximate": False, "geometry_note": "Exact.", "geometry_note_ar": "دقيق.",
        "geometry": {"type": "Point", "coordinates": [41.0 + step.thing / 10, 34.4]},
    }


def _oracle(steps: list[Step], prefix: str, as_of: dt.date, known_on: dt.date | None
            ) -> set[str]:
    # Replay the writes: which claim each retraction closed (the thing's latest by
    # reporting date, then order of recording, that is still open).
    claims: list[tuple[int, Step]] = []  # (recording order, claim)
    retracted: dict[int, dt.date] = {}  # recording order -> reported on
    for order, step in enumerate(steps):
        if step.retraction:
            mine = [(s.reported, o) for o, s in claims if s.thing == step.thing]
            if mine and max(mine)[1] not in retracted:
                retracted[max(mine)[1]] = _day(step.reported)
            continue
        claims.append((order, step))
    holding: dict[str, Step] = {}
    for thing in {s.thing for _, s in claims}:
        known = [(s.reported, o, s) for o, s in claims if s.thing == thing
                 and (known_on is None or _day(s.reported) <= known_on)]
        if not known:
            continue
        _, order, claim = max(known, key=lambda k: (k[0], k[1]))
        closed = retracted.get(order)
        if closed is not None and (known_on is None or closed <= known_on):
            continue
        start = _day(claim.as_of if claim.valid_from is None else claim.valid_from)
        end = _day(claim.valid_to)
        if start <= as_of and (end is None or as_of <= end):
            holding[f"{prefix}-{thing}"] = claim
    shown = set()
    for thing_id, claim in holding.items():
        rivals = [c for c in holding.values()
                  if claim.series is not None and c.series == claim.series]
        if all(c.as_of <= claim.as_of for c in rivals):
            shown.add(thing_id)
    return shown


@given(steps=histories(), views=st.lists(
    st.tuples(st.integers(-5, 90), st.one_of(st.none(), st.integers(-5, 90))),
    min_size=1, max_size=6))
@settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_map_shows_what_the_rules_say(store, steps, views):
    prefix = f"tm{next(_EXAMPLES)}"
    for index, step in enumerate(steps):
        if step.retraction:
            # A thing with no open claim refuses it; the oracle skips it likewise.
            with contextlib.suppress(SchemaError):
                store.retract(f"{prefix}-{step.thing}", "wrong", "tester",
                              reported_on=_day(step.reported))
            continue
        store.record([_raw(prefix, step, index)], "tester")
    for as_of_offset, known_offset in views:
        as_of, known_on = _day(as_of_offset), _day(known_offset)
        mine = [c.record for c in store.current(known_on)
                if c.feature_id.startswith(f"{prefix}-")]
        got = {p.record.id for p in features_at(place(mine), as_of)}
        assert got == _oracle(steps, prefix, as_of, known_on), (as_of, known_on)
