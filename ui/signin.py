"""Sign-in for editors, in the sidebar. The page holds only the session's token; who
it belongs to, and whether they may write, is asked of the gate (access/gate.py)
at every use."""

from __future__ import annotations

import streamlit as st

from access.gate import AccessError, Gate, SignInRefused, SignInUnavailable
from i18n import t
from store.features import shared_store
from store.location import store_location
from store.users import User, Users
from ui.text import plain

__all__ = ["TOKEN_KEY", "current_gate", "signed_in", "signin_panel"]

TOKEN_KEY = "auth:token"
_ENDED_KEY = "auth:ended"


@st.cache_resource(show_spinner=False, max_entries=4)
def _gate(location: str) -> Gate:
    # One gate per store per process: its sessions are this server's.
    return Gate(Users(shared_store()))


def current_gate() -> Gate:
    return _gate(store_location())


def signed_in() -> tuple[User | None, str | None]:
    """The signed-in user and their token; (None, None) for a reader. A session that
    ended (idle too long, or the user removed) is forgotten here, and said so once."""
    token = st.session_state.get(TOKEN_KEY)
    if token is None:
        return None, None
    user = current_gate().user(token)
    if user is None:
        del st.session_state[TOKEN_KEY]
        st.session_state[_ENDED_KEY] = True
        return None, None
    return user, token


def _sign_in(lang: str) -> None:
    name = st.session_state.get("auth:name", "")
    password = st.session_state.get("auth:password", "")
    st.session_state["auth:password"] = ""  # never kept past the attempt
    try:
        # Streamlit gives no address for this machine's own browsers: they share one count.
        st.session_state[TOKEN_KEY] = current_gate().sign_in(
            name, password, address=st.context.ip_address or "this machine")
        st.session_state.pop("auth:error", None)
        st.session_state.pop(_ENDED_KEY, None)
    except SignInUnavailable as e:
        st.session_state["auth:error"] = t("auth.disk_full" if e.disk_full
                                           else "auth.unavailable", lang)
    except SignInRefused as e:
        st.session_state["auth:error"] = (
            t("auth.throttled", lang, seconds=max(1, round(e.wait_s))) if e.wait_s
            else t("auth.wrong", lang))


def _sign_out() -> None:
    current_gate().sign_out(st.session_state.pop(TOKEN_KEY, None))
    if _oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def _oidc_configured() -> bool:
    """Whether the operator configured an OIDC provider for st.login in
    .streamlit/secrets.toml ([auth] with its client); offline deployments do not."""
    try:
        auth = st.secrets.get("auth")
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False
    return bool(auth) and ("client_id" in auth or any(
        isinstance(value, dict) and "client_id" in value for value in auth.values()))


def _oidc_signed_in() -> bool:
    return bool(getattr(st.user, "is_logged_in", False))  # AppTest has no such field


def _oidc_identity() -> str | None:
    """The verified e-mail address st.login gave, if any: the only name by which a
    provider's account is matched to a user here. A display name or preferred_username
    is the account holder's own choice at many providers, so matching on it would let
    anyone with an account there take an editor's name."""
    if not _oidc_signed_in():
        return None
    email, verified = st.user.get("email"), st.user.get("email_verified")
    # Some providers (Amazon Cognito) send the flag as the string "true".
    if isinstance(email, str) and email and (verified is True or verified == "true"):
        return email
    return None


def _oidc_panel(lang: str) -> None:
    identity = _oidc_identity()
    if identity is None and _oidc_signed_in():
        st.warning(t("auth.oidc_unverified", lang))
        st.button(t("auth.sign_out", lang), key="auth:oidc_out", on_click=st.logout)
        return
    if identity is not None:
        try:
            st.session_state[TOKEN_KEY] = current_gate().sign_in_verified(identity)
            st.rerun()
        except SignInRefused:
            st.warning(t("auth.oidc_unknown", lang, name=plain(identity)))
            st.button(t("auth.sign_out", lang), key="auth:oidc_out", on_click=st.logout)
        return
    st.button(t("auth.oidc", lang), key="auth:oidc", on_click=st.login)


def signin_panel(lang: str) -> User | None:
    """The sidebar's sign-in (or signed-in) block; the signed-in user, if any."""
    try:
        user, _ = signed_in()
    except AccessError as e:  # a bad POSTURE_SESSION_IDLE_MINUTES, say
        st.sidebar.error(plain(str(e)))
        return None
    if user is not None:
        st.sidebar.caption(t("auth.signed_in_as", lang, name=plain(user.name),
                             role=t(f"auth.role.{user.role}", lang)))
        st.sidebar.button(t("auth.sign_out", lang), key="auth:sign_out", on_click=_sign_out)
        return user
    with st.sidebar.expander(t("auth.expander", lang),
                             expanded="auth:error" in st.session_state
                             or _oidc_signed_in()):
        if st.session_state.pop(_ENDED_KEY, False):
            st.info(t("auth.ended", lang))
        if _oidc_configured():
            _oidc_panel(lang)
            st.caption(t("auth.read_only", lang))
            return None
        with st.form("auth:form", clear_on_submit=False):
            st.text_input(t("auth.name", lang), key="auth:name", max_chars=64)
            st.text_input(t("auth.password", lang), key="auth:password", type="password",
                          max_chars=1024)
            st.form_submit_button(t("auth.submit", lang), on_click=_sign_in, args=(lang,))
        if "auth:error" in st.session_state:
            st.error(st.session_state["auth:error"])
        st.caption(t("auth.read_only", lang))
    return None
