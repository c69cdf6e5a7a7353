"""The second step of a retraction, and retracted things to open again, for the editor's
panel (ui/editor_panel.py): a retraction names the thing and writes only on "Yes"."""

from __future__ import annotations

from typing import Any

import streamlit as st

from access.gate import AccessError
from access.writes import retract_claim
from geo.errors import PostureDataError
from geo.features import PlacedFeature, place
from i18n import t
from store.features import retracted_things, shared_store
from ui.signin import current_gate
from ui.text import plain

__all__ = ["CLOSE_KEY", "CONFIRM_KEY", "CONFLICT_KEY", "NOTICE_KEY", "RESET_KEY",
           "confirm_retraction", "retracted_placed"]

NOTICE_KEY = "edit:notice"
CONFLICT_KEY = "edit:conflict"
RESET_KEY = "edit:reset"
CLOSE_KEY = "edit:close"  # set by a retraction: the next run empties the thing chooser
CONFIRM_KEY = "edit:confirm"  # a retraction asked for, awaiting "Yes"


def retracted_placed() -> dict[str, PlacedFeature]:
    """Things a retraction closed, each as its last claim said, to be found again."""
    found = {}
    for claim, _ in retracted_things():
        try:
            found[claim.feature_id] = place((claim.record,))[0]
        except PostureDataError:  # a claim that cannot be drawn is still listed by id
            continue
    return found


def confirm_retraction(token: str, lang: str, opened: dict[str, Any], name: str) -> None:
    """The second step of a retraction: it names the thing, and only "Yes" writes."""
    pending = st.session_state.get(CONFIRM_KEY)
    if not pending or pending["id"] != opened["id"]:
        return
    with st.container(border=True):
        st.warning(t("edit.retract_confirm", lang, name=plain(name), id=opened["id"],
                     reason=plain(pending["reason"])))
        yes, no = st.columns(2)
        confirmed = yes.button(t("edit.retract_yes", lang), key="edit:retract_yes",
                               type="primary")
        if no.button(t("edit.retract_cancel", lang), key="edit:retract_cancel"):
            st.session_state.pop(CONFIRM_KEY, None)
            st.rerun()
    if not confirmed:
        return
    st.session_state.pop(CONFIRM_KEY, None)
    try:
        retract_claim(current_gate(), token, shared_store(), pending["id"], pending["reason"],
                      opened_id=opened["id"], opened_at=opened["at"])
    except (PostureDataError, AccessError) as e:
        st.session_state[CONFLICT_KEY] = (e, None)
    else:
        st.session_state[NOTICE_KEY] = t("edit.retracted", lang, id=pending["id"])
        st.session_state.pop(CONFLICT_KEY, None)
        # The form closes: the chooser is emptied, never moved on to another thing.
        st.session_state[RESET_KEY] = True
        st.session_state[CLOSE_KEY] = True
    st.rerun()
