"""Settings, with the vault unlocked: the keyring backend it names, and Start Keyport at login
(off by default; the switch writes and removes the login item in the person's autostart folder,
here under the file's own HOME)."""

import os

import pytest


@pytest.fixture(scope="module")
def home(data_dir):
    path = data_dir / "home"
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def app_env(data_dir, home):
    return dict(os.environ, KEYPORT_DATA_DIR=str(data_dir), HOME=str(home))


@pytest.fixture(scope="module")
def window(launch, vault):
    return launch()


def test_settings_names_the_keyring_backend(window):
    window.unlock()
    window.click('[data-testid="nav-settings"]')
    window.wait('[data-testid="settings"]', what="the Settings page")
    assert window.all('[data-testid="keyring-backend"]'), "Settings names the keyring backend"
    window.wait('[data-testid="settings-health"] [data-testid="health-none"]',
                what="Health checks to say there is nothing to check yet")
    window.screenshot("e2e-settings.png")


def test_start_at_login_is_off_until_turned_on(window, home):
    autostart = home / ".config" / "autostart"
    switch = '[data-testid="settings-autostart"]'
    window.wait(switch, lambda els: bool(els) and els[0].get_attribute("aria-busy") is None,
                what="the Start at login switch")
    assert not window.find(switch).is_selected(), "off by default"
    assert not autostart.exists() or not list(autostart.iterdir()), "no login item before it is turned on"
    window.js("arguments[0].click();", window.find(switch))
    window.until(lambda: autostart.exists() and list(autostart.glob("*.desktop")), "the login item to be written")
    entry = next(autostart.glob("*.desktop")).read_text()
    assert "Exec=" in entry and "keyport-desktop" in entry, f"the login item starts Keyport ({entry!r})"
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line.split()[1:] == ["--hidden"], f"a start at login goes to the tray, window hidden ({exec_line!r})"
    window.wait(switch, lambda els: bool(els) and els[0].is_selected() and els[0].get_attribute("aria-busy") is None,
                what="the switch to show on")
    window.screenshot("e2e-settings-autostart.png")
    window.js("arguments[0].click();", window.find(switch))
    window.until(lambda: not list(autostart.glob("*.desktop")), "the login item to be removed")
