"""keyport:// links: one that starts the app (a cold start), and later ones handed over by a
second launch to the running instance (single instance over D-Bus, TOOLCHAIN.md). No sign-in
waits here, so each is refused with its code."""

import pytest

BANNER = '[data-testid="callback-error"]'


@pytest.fixture(scope="module")
def window(launch):
    return launch(["keyport://oauth/callback?error=access_denied&state=cold-start"])


def dismiss_banners(window):
    for dismiss in window.all(f'{BANNER} .button-quiet'):
        dismiss.click()
    window.wait_gone(BANNER, what="the banners to be dismissed")


def test_a_link_that_started_the_app(window):
    banner = window.wait(BANNER, what="the cold-start callback banner")
    assert "oauth.state_unknown" in banner[0].text, "a link that started the app is handled once the page is ready"
    dismiss_banners(window)


def test_a_second_launch_hands_its_link_over(window, open_link):
    second = open_link("keyport://oauth/callback?code=e2e-code&state=e2e-state")
    assert second.returncode == 0, "the second launch hands its URL over and exits 0"
    banner = window.wait(BANNER, what="the callback banner")
    text = banner[0].text
    assert "oauth.state_unknown" in text, "the first instance received the link (no sign-in waiting)"
    assert "e2e-code" not in text, "the authorization code is not shown"
    window.screenshot("e2e-deep-link.png")
    dismiss_banners(window)


def test_a_malformed_link(window, open_link):
    malformed = open_link("keyport://oauth/elsewhere?code=x")
    assert malformed.returncode == 0, "a malformed link is handed over too"
    shown = window.wait(BANNER, lambda els: any("oauth.callback_malformed" in e.text for e in els),
                        what="the malformed-link banner")
    assert any("oauth.callback_malformed" in e.text for e in shown), \
        "a malformed link is refused as oauth.callback_malformed"
    dismiss_banners(window)
