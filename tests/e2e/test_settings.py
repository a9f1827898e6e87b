"""Settings, with the vault unlocked: the keyring backend it names."""

import pytest


@pytest.fixture(scope="module")
def window(launch, vault):
    return launch()


def test_settings_names_the_keyring_backend(window):
    window.unlock()
    window.click('[data-testid="nav-settings"]')
    window.wait('[data-testid="settings"]', what="the Settings page")
    assert window.all('[data-testid="keyring-backend"]'), "Settings names the keyring backend"
    window.screenshot("e2e-settings.png")
