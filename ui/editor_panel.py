"""Record, correct and retract claims by hand, for a signed-in editor.

A new claim is placed by clicking the map (or typing lon and lat, or well-known text
for a line or an area) and described in the claim form; a thing's correction opens
the form on its current claim. Every save goes through access/writes.py, which checks
the editor on the server and refuses a save over someone else's since the form
opened. A refused form keeps everything typed.
"""

from __future__ import annotations

from typing import Any

import shapely
import shapely.errors
import shapely.geometry
import streamlit as st

from access.gate import AccessError
from access.writes import record_claim
from editing.form import FORM_FIELDS, FormProblem, claim_from_form, form_of, new_feature_id
from geo.checks import check_identifier
from geo.claims import changes, normal_raw
from geo.errors import PostureDataError, SchemaError
from geo.features import PlacedFeature
from geo.schema import CONFIDENCE_LEVELS
from geo.validity import Repair
from i18n import t
from layers.catalogue import IMPORTED_LAYER_COLORS, LayerEntry
from store.features import shared_store
from store.records import ConflictError, StoredLayer
from store.users import User
from ui.history_panel import history_panel
from ui.retract_form import (
    CLOSE_KEY,
    CONFIRM_KEY,
    CONFLICT_KEY,
    NOTICE_KEY,
    RESET_KEY,
    confirm_retraction,
    retracted_placed,
)
from ui.signin import current_gate
from ui.text import plain

__all__ = ["FORM_GROUPS", "PLACING_KEY", "editor_panel", "place_from_click"]

PLACING_KEY = "edit:placing"
_FIELD = "edit:f:"  # + a form field: that field's widget
_OPENED = "edit:opened"  # the thing the correction form opened, and at which stamp
_NOTICE = NOTICE_KEY
_CONFLICT = CONFLICT_KEY
# Set by a save: the next run empties the form before its widgets exist (Streamlit
# refuses to change a widget's value once it is drawn in a run).
_RESET = RESET_KEY
_CLOSE = CLOSE_KEY
_CONFIRM = CONFIRM_KEY
_CLICKED = "edit:clicked"
_NEW_LAYER = "+"  # the layer choice that makes a new layer
_WIDE_FIELDS = {"wkt", "geometry_note_en"}


def place_from_click(result: dict | None) -> None:
    """Called after an editor's map reports: a shape drawn with the map's tools, or
    (while placing) a click, becomes the new claim's place, and the page reruns to show
    it in the form."""
    result = result or {}
    drawing = result.get("last_active_drawing")
    shapes = result.get("all_drawings")
    shapes_before = st.session_state.get("edit:all_drawings")
    st.session_state["edit:all_drawings"] = shapes
    if isinstance(drawing, dict) and drawing != st.session_state.get("edit:last_drawing"):
        st.session_state["edit:last_drawing"] = drawing
        place = _drawn_place(drawing.get("geometry"))
        if place is not None:
            st.session_state[_CLICKED] = place
            st.rerun(scope="app")
    elif isinstance(shapes, list) and isinstance(shapes_before, list) and \
            shapes != shapes_before:
        # The shape was edited or deleted with the toolbar (one shape at a time:
        # layers/drawing.py): its new form is the place, or, deleted, there is none.
        place = (_drawn_place(shapes[-1].get("geometry")) if shapes and
                 isinstance(shapes[-1], dict) else {"lon": "", "lat": "", "wkt": ""})
        if place is not None:
            st.session_state[_CLICKED] = place
            st.rerun(scope="app")
    clicked = result.get("last_clicked")
    if not st.session_state.get(PLACING_KEY) or not isinstance(clicked, dict):
        return
    point = (clicked.get("lng"), clicked.get("lat"))
    if point == st.session_state.get("edit:last_click") or None in point:
        return
    st.session_state["edit:last_click"] = point
    # Into the form by editor_panel, before its widgets exist: a widget's value set here,
    # in the map's fragment, would be overwritten by the browser's on the page's rerun.
    st.session_state[_CLICKED] = {"lon": f"{point[0]:.5f}", "lat": f"{point[1]:.5f}",
                                  "wkt": ""}
    st.rerun(scope="app")


def _drawn_place(geometry: object) -> dict[str, str] | None:
    """The form's place fields for a drawn GeoJSON geometry: lon and lat for a marker,
    well-known text for a line or an area; None for anything else."""
    try:
        shape_ = shapely.geometry.shape(geometry)  # type: ignore[arg-type]
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError):
        return None
    if shape_.geom_type == "Point":
        return {"lon": f"{shape_.x:.5f}", "lat": f"{shape_.y:.5f}", "wkt": ""}
    if shape_.geom_type in ("LineString", "Polygon"):
        return {"lon": "", "lat": "", "wkt": shapely.to_wkt(shape_, rounding_precision=5)}
    return None


def _label(field: str, lang: str) -> str:
    return t(f"edit.field.{field}", lang)


# The form's fields in groups, each group two columns wide; wide fields span both.
FORM_GROUPS = (
    ("what", ("name_en", "name_ar", "kind_en", "kind_ar", "actor_en", "actor_ar", "sidc")),
    ("count", ("count_value", "count_words_en", "count_low", "count_words_ar", "count_high")),
    ("when", ("as_of", "reported_on", "valid_from", "valid_to")),
    ("source", ("source_en", "source_ar", "via_en", "source_link", "confidence")),
    ("where", ("lon", "lat", "geometry_approximate", "geometry_note_en", "wkt")),
)
_DATES = {"as_of", "valid_from", "valid_to", "reported_on"}


def _field_widget(field: str, lang: str) -> str:
    key = f"{_FIELD}{field}"
    if field == "confidence":
        options = ["", *CONFIDENCE_LEVELS]
        if st.session_state.get(key) not in options:
            st.session_state[key] = ""
        return st.selectbox(_label(field, lang), options, key=key,
                            format_func=lambda v: t(f"confidence.{v}", lang) if v else "—")
    if field == "geometry_approximate":
        st.session_state[key] = bool(st.session_state.get(key))
        return "yes" if st.checkbox(_label(field, lang), key=key) else "no"
    if field in _WIDE_FIELDS:
        return st.text_area(_label(field, lang), key=key, max_chars=20_000, height=68)
    return st.text_input(_label(field, lang), key=key, max_chars=2000,
                         placeholder="YYYY-MM-DD" if field in _DATES else None)


def _form_fields(lang: str) -> dict[str, str]:
    """The claim form's widgets; what they hold (kept across reruns by their keys)."""
    values: dict[str, str] = {}
    for group, fields in FORM_GROUPS:
        st.markdown(f"**{t(f'edit.group.{group}', lang)}**")
        narrow = [f for f in fields if f not in _WIDE_FIELDS]
        columns = st.columns(2)
        for index, field in enumerate(narrow):
            with columns[index % 2]:
                values[field] = _field_widget(field, lang)
        for field in fields:
            if field in _WIDE_FIELDS:
                values[field] = _field_widget(field, lang)
    return values


def _fill(fields: dict[str, str]) -> None:
    for field in FORM_FIELDS:
        value = fields.get(field, "")
        st.session_state[f"{_FIELD}{field}"] = (value in ("yes", "True", "true")
                                                if field == "geometry_approximate" else value)


def _clear() -> None:
    _fill({})
    for key in (_OPENED, _CONFIRM, "edit:last_click"):
        st.session_state.pop(key, None)
    for key in [k for k in st.session_state if str(k).startswith("edit:reason:")]:
        st.session_state.pop(key, None)
    if st.session_state.pop(_CLOSE, False):
        st.session_state["edit:feature"] = None
    st.session_state[PLACING_KEY] = False


def _show_problem(error: Exception, yours: dict[str, Any] | None, lang: str) -> None:
    if isinstance(error, FormProblem):
        given = error.value not in ("", "None", None)
        st.error(t("edit.problem" if given else "edit.problem_empty", lang,
                   field=_label(error.field, lang) if error.field in FORM_FIELDS
                   else plain(error.field), reason=plain(error.reason),
                   value=plain(str(error.value))))
    elif isinstance(error, ConflictError):
        st.error(plain(str(error)))
        theirs = next((entry.claim.raw for entry in
                       reversed(shared_store().history(error.feature_id))
                       if entry.claim is not None), None)
        if theirs is not None and yours is not None:
            st.caption(t("edit.conflict_versions", lang))
            st.table([{t("edit.conflict.field", lang): c.field,
                       t("edit.conflict.theirs", lang): plain(str(c.before)),
                       t("edit.conflict.yours", lang): plain(str(c.after))}
                      for c in changes(normal_raw(theirs), yours)])
    else:
        st.error(plain(str(error)))


def _save(token: str, user: User, lang: str, *, layer: str, feature_id: str,
          opened_id: str | None, opened_at: str | None, carried: dict[str, Any] | None,
          new_layer: StoredLayer | None) -> None:
    fields = {f: st.session_state.get(f"{_FIELD}{f}", "") for f in FORM_FIELDS}
    fields["geometry_approximate"] = "yes" if fields["geometry_approximate"] else "no"
    raw = None
    repairs: list[Repair] = []
    try:
        raw = claim_from_form(fields, layer=layer, feature_id=feature_id, carried=carried,
                              placed_by=user.name, repairs=repairs)
        result = record_claim(current_gate(), token, shared_store(), raw,
                              opened_id=opened_id, opened_at=opened_at,
                              new_layer=new_layer)
    except (PostureDataError, AccessError) as e:
        st.session_state[_CONFLICT] = (e, raw)
        return
    st.session_state.pop(_CONFLICT, None)
    st.session_state[_NOTICE] = " ".join([
        t("edit.saved" if result.new or result.changed else "edit.unchanged", lang,
          id=feature_id),
        *(repair.note_en if lang == "en" else repair.note_ar for repair in repairs)])
    if result.new or result.changed:
        st.session_state[_RESET] = True


def _layer_choice(entries: tuple[LayerEntry, ...], lang: str) -> tuple[str, StoredLayer | None]:
    ids = [e.id for e in entries]
    titles = {e.id: e.title(lang) for e in entries}
    # No layer chosen until the editor chooses one: a claim in the wrong layer is worse
    # than a form that asks.
    choice = st.selectbox(t("edit.layer", lang), [*ids, _NEW_LAYER], key="edit:layer",
                          index=None, placeholder=t("edit.choose_layer", lang),
                          format_func=lambda i: t("edit.new_layer", lang) if i == _NEW_LAYER
                          else titles.get(i, i))
    if choice is None:
        return "", None
    if choice != _NEW_LAYER:
        return choice, None
    columns = st.columns(4)
    layer_id = columns[0].text_input(t("edit.layer_id", lang), key="edit:layer_id",
                                     max_chars=60).strip()
    title_en = columns[1].text_input(t("edit.layer_title_en", lang), key="edit:layer_en",
                                     max_chars=100).strip()
    title_ar = columns[2].text_input(t("edit.layer_title_ar", lang), key="edit:layer_ar",
                                     max_chars=100).strip()
    color = columns[3].color_picker(t("edit.layer_color", lang), key="edit:layer_color",
                                    value=IMPORTED_LAYER_COLORS[0])
    return layer_id, StoredLayer(layer_id, title_en or layer_id, title_ar or title_en or
                                 layer_id, color)


def _new_claim(user: User, token: str, entries: tuple[LayerEntry, ...], lang: str) -> None:
    layer, new_layer = _layer_choice(entries, lang)
    st.toggle(t("edit.placing", lang), key=PLACING_KEY, help=t("edit.placing_help", lang))
    with st.form("edit:new"):
        _form_fields(lang)
        submitted = st.form_submit_button(t("edit.save_new", lang), type="primary")
    if submitted:
        try:
            layer = check_identifier(layer, "form", "layer")
        except SchemaError:
            st.session_state[_CONFLICT] = (FormProblem("layer", layer, t(
                "edit.layer_id_help" if layer else "edit.choose_layer", lang)), None)
            st.rerun()
        name = st.session_state.get(f"{_FIELD}name_en") or st.session_state.get(
            f"{_FIELD}name_ar")
        _save(token, user, lang, layer=layer, feature_id=new_feature_id(layer, name),
              opened_id=None, opened_at=None, carried=None, new_layer=new_layer)
        st.rerun()


def _open(feature: PlacedFeature) -> None:
    opened = form_of(feature)
    stamp = shared_store().stamp(feature.record.id)
    _fill(opened.fields)
    st.session_state[_OPENED] = {"id": feature.record.id, "layer": feature.record.layer,
                                 "at": stamp.token if stamp else None,
                                 "carried": opened.carried}
    st.session_state.pop(_CONFLICT, None)
    st.session_state.pop(_CONFIRM, None)


def _edit_claim(user: User, token: str, features: dict[str, PlacedFeature],
                undrawn: dict[str, PlacedFeature], chosen_id: str | None, lang: str) -> None:
    show_retracted = st.toggle(t("edit.show_retracted", lang), key="edit:show_retracted")
    retracted = retracted_placed() if show_retracted else {}
    # A claim the map cannot draw is still a thing to correct or retract.
    things = {**retracted, **undrawn, **features}

    def title(feature_id: str) -> str:
        name = things[feature_id].record.text("name", lang) or feature_id
        if feature_id in retracted:
            return t("edit.retracted_title", lang, name=name)
        return t("edit.undrawable_title", lang, name=name) if feature_id in undrawn else name

    ids = sorted(things, key=title)
    if not ids:
        st.caption(t("edit.nothing_to_edit", lang))
        return
    if chosen_id in things and st.session_state.get("edit:chosen") != chosen_id:
        st.session_state["edit:chosen"] = chosen_id  # the table's row, once
        st.session_state["edit:feature"] = chosen_id
    if st.session_state.get("edit:feature") not in ids:
        # The thing went (retracted, or the retracted ones hidden): choose none rather
        # than let the list fall on whichever thing sorts first.
        st.session_state["edit:feature"] = None
    feature_id = st.selectbox(t("edit.feature", lang), ids, key="edit:feature", index=None,
                              placeholder=t("edit.choose_thing", lang),
                              format_func=lambda i: f"{title(i)} ({i})")
    if feature_id is None:
        st.session_state.pop(_OPENED, None)
        return
    opened = st.session_state.get(_OPENED)
    if opened is None or opened["id"] != feature_id:
        _open(things[feature_id])
        opened = st.session_state[_OPENED]
    name = things[feature_id].record.text("name", lang) or feature_id
    # What every button below acts on, named above them.
    st.markdown(t("edit.opened_retracted" if feature_id in retracted else "edit.opened", lang,
                  name=plain(name), id=plain(feature_id)))
    with st.form("edit:correct", enter_to_submit=False):
        _form_fields(lang)
        save = st.form_submit_button(t("edit.save_correction", lang), type="primary")
    if save:
        # The thing chosen now, and the thing the form was opened on: the write checks
        # on the server that the two are one (access/writes.py).
        _save(token, user, lang, layer=opened["layer"], feature_id=feature_id,
              opened_id=opened["id"], opened_at=opened["at"], carried=opened["carried"],
              new_layer=None)
        st.rerun()
    st.button(t("edit.reopen", lang), key="edit:reopen", on_click=_open,
              args=(things[feature_id],), help=t("edit.reopen_help", lang))
    if feature_id not in retracted:
        # A reason per thing: what was typed for one is never carried to the next. Enter
        # in the field submits nothing; the button asks for confirmation first.
        with st.form(f"edit:retract:{feature_id}", enter_to_submit=False):
            reason = st.text_input(t("edit.retract_reason", lang),
                                   key=f"edit:reason:{feature_id}", max_chars=500)
            retract = st.form_submit_button(t("edit.retract", lang))
        if retract and not reason.strip():
            # Asked before the question, not refused after it: nothing to confirm.
            st.session_state.pop(_CONFIRM, None)
            st.error(t("edit.retract_no_reason", lang))
        elif retract:
            st.session_state[_CONFIRM] = {"id": opened["id"], "reason": reason}
        confirm_retraction(token, lang, opened, name)
    history_panel(feature_id, lang)


def editor_panel(user: User, token: str, entries: tuple[LayerEntry, ...],
                 features: dict[str, PlacedFeature], undrawn: dict[str, PlacedFeature],
                 chosen_id: str | None, lang: str) -> None:
    """The editing controls under the map; only ever called for a signed-in editor (and
    each write checks that again). `undrawn`: claims the map cannot draw, as stored."""
    if st.session_state.pop(_RESET, False):
        _clear()
    place = st.session_state.pop(_CLICKED, None)
    if place is not None:
        for field, value in place.items():
            st.session_state[f"{_FIELD}{field}"] = value
        st.session_state["edit:mode"] = "new"
    with st.expander(t("edit.header", lang), expanded=True):
        if _NOTICE in st.session_state:
            st.success(plain(st.session_state.pop(_NOTICE)))
        if _CONFLICT in st.session_state:
            error, yours = st.session_state[_CONFLICT]
            _show_problem(error, yours, lang)
        st.session_state.setdefault("edit:mode", "new")
        mode = st.radio(t("edit.mode", lang), ["new", "edit"], key="edit:mode",
                        horizontal=True, format_func=lambda m: t(f"edit.mode.{m}", lang))
        if mode == "new":
            _new_claim(user, token, entries, lang)
        else:
            _edit_claim(user, token, features, undrawn, chosen_id, lang)
