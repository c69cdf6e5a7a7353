"""Sign-in through an organisation's OpenID Connect provider (issue 12), end to end in
Chromium: Streamlit's st.login against a real provider on loopback (panva's
oidc-provider, tests/oidc_provider/). An account whose verified e-mail is an editor's
name in the store becomes that editor and gets the editing controls; signing out ends
both sessions. An account the store does not know, or one whose address the provider
has not verified, is told so and cannot write. Nothing leaves the machine."""

from __future__ import annotations

import re

import pytest

from store import open_store
from store.users import Users
from tests.browser_helpers import open_dashboard, wait_idle
from tests.conftest import free_port, start_app, stop_app
from tests.oidc_server import start_provider, stop_provider

pytestmark = pytest.mark.browser

EDITOR = "alice@example.org"
OIDC_BUTTON = "Sign in with your organisation's account"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc")
    location = str(folder / "store.gpkg")
    store = open_store(location)
    # No password is ever used: the provider vouches for the address. The store's
    # users table still says who may write.
    Users(store).add(EDITOR, "editor", "a password nobody types here")
    store.close()
    port = free_port()
    provider = start_provider(folder, f"http://127.0.0.1:{port}/oauth2callback")
    secrets = folder / "secrets.toml"
    secrets.write_text(provider.secrets_toml(f"http://127.0.0.1:{port}/oauth2callback"),
                       encoding="utf-8")
    app = start_app(folder, {"POSTURE_STORE": location}, port=port,
                    extra_args=("--secrets.files", str(secrets)))
    yield app, provider
    stop_app(app)
    stop_provider(provider)


def _sign_in_with_provider(page, server, login: str) -> None:
    app, provider = server
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Sign in to edit", exact=True).click()
    # No name and password form: the operator configured a provider.
    assert sidebar.get_by_label("Password", exact=True).count() == 0
    sidebar.get_by_role("button", name=OIDC_BUTTON).click()
    page.wait_for_url(f"{provider.issuer}/**", timeout=30_000)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "the provider's business")
    page.click("button[type=submit]")
    page.wait_for_url(f"{provider.issuer}/interaction/**", timeout=30_000)
    page.get_by_role("button", name="Continue").click()  # the provider's consent page
    page.wait_for_url(f"{app.url}/**", timeout=30_000)
    wait_idle(page)


def assert_nothing_left_but_the_providers_fonts(offline, server) -> None:
    """The dashboard's pages asked for nothing off the machine. The provider's own
    development login pages link Google's fonts; those requests were aborted, and they
    are the provider's, not the product's."""
    issuer = server[1].issuer
    assert [(url, origin) for url, origin in offline.attempted_from
            if not origin.startswith(issuer)] == []
    assert all(url.startswith("https://fonts.googleapis.com/") for url in offline.attempted)


def _as_shown(text: str) -> re.Pattern[str]:
    """`text` as the page shows it: an address's "@" carries an invisible word joiner
    before it (ui/text.py: a bare address would otherwise become a mailto link)."""
    return re.compile(re.escape(text).replace("@", "\u2060?@"), re.IGNORECASE)


def _editing_panel(page):
    return page.locator("[data-testid=stExpander]").filter(has_text="What to do")


def test_an_editor_signs_in_with_the_provider_edits_and_signs_out(page, server, offline):
    app, _ = server
    open_dashboard(page, app)
    _sign_in_with_provider(page, server, EDITOR)
    sidebar = page.locator("[data-testid=stSidebar]")
    signed_in = sidebar.get_by_text(_as_shown(f"Signed in as {EDITOR} (Editor)"))
    signed_in.wait_for(timeout=30_000)
    _editing_panel(page).first.wait_for(timeout=30_000)
    signed_in.scroll_into_view_if_needed()
    page.screenshot(path=str(app.log_path.parent / "oidc-signed-in.png"))

    sidebar.get_by_role("button", name="Sign out").click()
    # st.logout ends the provider's session too, through its end-session page.
    page.wait_for_url(f"{server[1].issuer}/session/end**", timeout=30_000)
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{app.url}/**", timeout=30_000)
    wait_idle(page)
    sidebar.get_by_text("Sign in to edit", exact=True).wait_for(timeout=30_000)
    assert sidebar.get_by_text("Signed in as").count() == 0
    assert _editing_panel(page).count() == 0
    # Streamlit's own login ended too: its identity cookie is gone.
    assert "_streamlit_user" not in {c["name"] for c in page.context.cookies()}
    assert_nothing_left_but_the_providers_fonts(offline, server)


@pytest.mark.parametrize(("login", "told"), [
    ("mallory@example.org", "mallory@example.org is signed in with the organisation but is "
                            "not a user of this dashboard"),
    # The editor's own address, unverified: anyone can type an address at many providers.
    (f"{EDITOR}#unverified", "gave no verified e-mail address"),
])
def test_an_account_the_store_does_not_know_by_a_verified_address_cannot_edit(
        page, server, offline, login, told):
    app, _ = server
    open_dashboard(page, app)
    _sign_in_with_provider(page, server, login)
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text(_as_shown(told)).wait_for(timeout=30_000)
    assert sidebar.get_by_text("Signed in as").count() == 0
    assert _editing_panel(page).count() == 0
    sidebar.get_by_text(_as_shown(told)).scroll_into_view_if_needed()
    page.screenshot(path=str(app.log_path.parent / f"oidc-refused-{len(login)}.png"))
    assert_nothing_left_but_the_providers_fonts(offline, server)
