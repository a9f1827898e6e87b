"""The `keyport` CLI built beside the desktop app, run against one test file's data directory:
what a file needs before the app starts (a vault, custom connectors) is made through it."""

import json
import os
import subprocess


class Keyport:
    def __init__(self, binary, data_dir):
        self.binary = binary
        self.data_dir = data_dir

    def run(self, *args, env=None):
        return subprocess.run([str(self.binary), "--data-dir", str(self.data_dir), *args],
                              capture_output=True, text=True, timeout=60, env=env)

    def init_vault(self, passphrase):
        """A vault with no keyring slot: every start of the app then asks for the passphrase,
        whatever keyring the machine has."""
        made = self.run("vault", "init", "--no-keyring", env=dict(os.environ, KEYPORT_PASSPHRASE=passphrase))
        assert made.returncode == 0, f"keyport vault init made the vault {made.stderr.strip()}"

    def add_connector(self, ident, toml):
        """Adds a custom connector (they load when the app starts)."""
        path = self.data_dir / f"{ident}.toml"
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(toml)
        added = self.run("catalog", "add", str(path))
        assert added.returncode == 0, f"the stand-in {ident} is added as a custom connector {added.stderr.strip()}"

    def catalog_entry(self, ident):
        shown = self.run("catalog", "show", ident, "--json")
        assert shown.returncode == 0, f"keyport catalog show {ident} answers {shown.stderr.strip()}"
        return json.loads(shown.stdout)
