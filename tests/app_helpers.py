"""Reading the page that AppTest ran: the map component, the layers it sends, the legend."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from i18n import LANGUAGES, t
from tests.conftest import ROOT
from ui.posture_table import MAP_DRAWN_KEY

APP = str(ROOT / "app.py")


def map_component(at: AppTest):
    components = [e for e in at.main if type(e).__name__ == "UnknownElement"
                  and getattr(e.proto, "component_name", "").endswith("st_folium")]
    assert len(components) == 1, "the page should hold exactly one map"
    return components[0]


def map_args(at: AppTest) -> dict:
    return json.loads(map_component(at).proto.json_args)


def layers_sent(args: dict) -> set[str]:
    return set(re.findall(r'postureBundle\["layers"\]\["([^"]+)"\]', args["feature_group"]))


def images(at: AppTest) -> list:
    return [e for e in at.main if type(e).__name__ == "Image"]


def download_label(at: AppTest) -> str:
    """The export panel's download button (the posture table has a CSV button of its own)."""
    table_csv = {t("table.csv", lang) for lang in LANGUAGES}
    buttons = [b for b in at.get("download_button") if b.proto.label not in table_csv]
    assert len(buttons) == 1
    return buttons[0].proto.label


def _layer_call(args: dict, layer_id: str) -> re.Match:
    call = re.search(rf'postureBundle\["layers"\]\["{layer_id}"\]\([^,]+, map_div, '
                     r'(\[.*?\]), (\{.*?\})\);', args["feature_group"])
    assert call, f"layer {layer_id} not sent"
    return call


def shown_ids(args: dict, layer_id: str) -> list[str]:
    return json.loads(_layer_call(args, layer_id).group(1))


def layer_display(args: dict, layer_id: str) -> dict:
    """How the layer is told to draw units: {"units": bool, "viewpoint": id}."""
    return json.loads(_layer_call(args, layer_id).group(2))


def highlighted(args: dict, mark: str = "posture-highlight") -> list[str]:
    calls = re.findall(rf'\}}\)\((\[[^\]]*\]), "{mark}"\);', args["feature_group"])
    assert len(calls) == 1
    return json.loads(calls[0])


def legend_layers(at: AppTest) -> set[str]:
    legend = [e for e in at.sidebar if type(e).__name__ == "Html"
              and "posture-legend" in e.proto.body]
    assert len(legend) == 1
    return set(re.findall(r"data-layer='([^']+)'", legend[0].proto.body))


def chart_spec(at: AppTest) -> dict:
    charts = [e for e in at.main if type(e).__name__ == "UnknownElement"
              and hasattr(e.proto, "spec")]
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def run_with_link(map_drawn: bool = True, **params: str) -> AppTest:
    """The page opened from a link carrying `params` as its query string; by default as
    after the browser drew the map (no browser runs here to report it)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    if map_drawn:
        at.session_state[MAP_DRAWN_KEY] = True
    return at.run()
