"""The loopback OpenID Connect provider of the sign-in test (tests/oidc_provider/,
installed by `make test` with `npm ci`), started and stopped around a test module."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, free_port

PROVIDER_DIR = ROOT / "tests" / "oidc_provider"
CLIENT_ID = "posture-dashboard-test"
# A throwaway secret for a provider that lives on 127.0.0.1 for one test run.
CLIENT_SECRET = "loopback-test-client-secret"


@dataclass
class OidcProvider:
    issuer: str
    process: subprocess.Popen
    log_path: Path

    def secrets_toml(self, redirect_uri: str) -> str:
        """An operator's [auth] section for this provider (.streamlit/secrets.toml). The
        provider offers the prompts of the standard (login, consent, none); Streamlit's
        default "select_account" is not among them, so the section names "login"."""
        return (f'[auth]\nredirect_uri = "{redirect_uri}"\n'
                'cookie_secret = "a throwaway cookie secret for one test run"\n'
                f'client_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n'
                f'server_metadata_url = "{self.issuer}/.well-known/openid-configuration"\n'
                'client_kwargs = { prompt = "login" }\n')


def start_provider(tmp_dir: Path, redirect_uri: str, timeout_s: float = 30.0
                   ) -> OidcProvider:
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("the test OIDC provider is not installed: run `make oidc-provider` "
                           "(make test does)")
    port = free_port()
    log_path = tmp_dir / f"oidc-provider-{port}.log"
    process = subprocess.Popen([node, "provider.mjs", str(port), CLIENT_ID, CLIENT_SECRET,
                                redirect_uri], cwd=PROVIDER_DIR, stdout=log_path.open("w"),
                               stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OIDC provider exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration",
                                        timeout=1) as response:
                if response.status == 200:
                    return OidcProvider(issuer, process, log_path)
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the OIDC provider did not answer in {timeout_s}s")


def stop_provider(provider: OidcProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
