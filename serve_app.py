"""The server `make run` starts (scripts/serve.py runs `streamlit run` on this file):
Streamlit's ASGI App for the page (app.py, or POSTURE_APP_SCRIPT), with web/guard.py's
refusals in front of it."""

from __future__ import annotations

import os

import streamlit as st
from starlette.middleware import Middleware

from web.guard import RequestGuard

APP_SCRIPT_ENV = "POSTURE_APP_SCRIPT"

app = st.App(os.environ.get(APP_SCRIPT_ENV, "app.py"), middleware=[Middleware(RequestGuard)])
