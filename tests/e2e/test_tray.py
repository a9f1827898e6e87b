"""The tray and the alerts for real (issue 13, UI.md section 8): the test's session bus has a
StatusNotifierWatcher and a notification server before the app starts; the app's tray item
registers with the watcher, and the test reads its icon and its menu (com.canonical.dbusmenu) and
clicks entries as a panel does. One OAuth connection to a stand-in Salesforce whose access tokens
last seconds: the app refreshes it unasked, checks it when told from the tray, and when the
provider refuses the grant it shows "needs reconnect" with one notification, then locks and quits
from the tray."""

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from support.desktop_bus import DesktopBus
from support.standins import Salesforce, approve, connect_with_cli
from support.window import PASSPHRASE, ROOT, SHOTS

STANDIN = "standin_salesforce_tray"
NAME = "Stand-in CRM"
LIFETIME = 10  # seconds an access token lasts
LOCKED = "Vault locked: refreshes and checks are paused"
HEALTHY = "The connection is healthy"
ICONS = ROOT / "src-tauri" / "icons" / "tray"


@pytest.fixture(scope="module")
def app_env(data_dir):
    """tray-icon writes the icon it hands appindicator to $XDG_RUNTIME_DIR/tray-icon, else to
    /tmp/tray-icon under a name every Keyport shares: a directory of this file's own, so another
    Keyport on the machine cannot replace the file the test reads."""
    runtime = data_dir / "runtime"
    runtime.mkdir(mode=0o700)
    return dict(os.environ, KEYPORT_DATA_DIR=str(data_dir), XDG_RUNTIME_DIR=str(runtime))


@pytest.fixture(scope="module")
def desktop():
    with DesktopBus() as bus:
        yield bus


@pytest.fixture(scope="module")
def salesforce(keyport, vault):
    """The stand-in, and a connection to it made with the CLI (loopback sign-in) before the app
    starts."""
    with Salesforce(lifetime=LIFETIME) as standin:
        keyport.add_connector(STANDIN, standin.connector(STANDIN, "Stand-in Salesforce tray", ["loopback"]))
        env = dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE)
        connect_with_cli(keyport, standin, STANDIN, NAME, "e2e-tray-client", env)
        assert standin.exchanges == ["ok"]
        yield standin


@pytest.fixture(scope="module")
def window(desktop, salesforce, launch):
    return launch()


def until(condition, what, timeout):
    """Waits for `condition`; a D-Bus call that fails meanwhile counts as not yet (the menu is
    exported a moment after the item registers) and is told if the wait runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value, error = condition(), None
        except AssertionError as err:
            value, error = None, err
        if value:
            return value
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}" + (f" ({error})" if error else "")
        time.sleep(0.2)


def pixels(path):
    with Image.open(path) as image:
        return image.size, image.convert("RGBA").tobytes()


def look(desktop, item):
    """Which of src-tauri/icons/tray/*.png the item shows, by the decoded pixels of the file its
    IconName names (appindicator is given a PNG that tray-icon wrote out again)."""
    props = desktop.item_properties(item)
    path = Path(props["IconName"])
    if not path.is_absolute():
        path = Path(props["IconThemePath"]) / f"{path}.png"
    shown = pixels(path)
    matches = [icon.stem for icon in sorted(ICONS.glob("*.png")) if pixels(icon) == shown]
    return matches[0] if len(matches) == 1 else f"none of the four ({path})"


def status_line(desktop, item):
    entries = desktop.menu(item)
    return entries[0]["label"] if entries and not entries[0]["enabled"] else None


def labels(desktop, item):
    return [e["label"] or "─" for e in desktop.menu(item)]


def test_the_tray_item_registers_locked(window, desktop, scenario):
    scenario.item = item = desktop.wait_item()
    assert re.fullmatch(r":\d+\.\d+", item[0]) and item[1].startswith("/"), f"the item registered as {item}"
    props = desktop.item_properties(item)
    assert props["Status"] == "Active", f"the item is shown ({props['Status']})"
    assert props["Menu"].startswith("/"), "the item exports a menu"
    assert until(lambda: status_line(desktop, item) == LOCKED, "the locked status line", 10)
    assert look(desktop, item) == "locked", "a locked vault shows the padlock"
    assert labels(desktop, item) == [LOCKED, "─", "Open Keyport", "Test all connections", "─", "Unlock…", "─",
                                     "Quit Keyport"], "the locked menu"
    assert not [e for e in desktop.menu(item) if e["label"] == "Test all connections"][0]["enabled"], \
        "nothing can be tested while the vault is locked"


def test_healthy_once_unlocked(window, desktop, scenario):
    window.unlock()
    item = scenario.item
    until(lambda: status_line(desktop, item) == HEALTHY, f"the status line to read {HEALTHY!r}", 20)
    assert look(desktop, item) == "healthy"
    assert labels(desktop, item) == [HEALTHY, "─", "Open Keyport", "Test all connections", "─", "Lock vault", "─",
                                     "Quit Keyport"], "the menu of a healthy vault"


def test_test_all_connections_runs_the_checks(window, desktop, salesforce, scenario):
    before = salesforce.userinfo_calls
    desktop.click(scenario.item, "Test all connections")
    until(lambda: salesforce.userinfo_calls > before, "a check call at the stand-in after Test all connections", 15)
    time.sleep(1)
    assert status_line(desktop, scenario.item) == HEALTHY, "the checked connection stays healthy"


def test_the_token_is_refreshed_unasked(window, salesforce):
    until(lambda: "ok" in salesforce.refreshes, "a refresh_token grant made by the app", LIFETIME + 15)
    assert "refused" not in salesforce.refreshes, f"every refresh succeeded ({salesforce.refreshes})"


def test_an_agent_beside_the_app_waits_as_a_spare(window, keyport, salesforce):
    """A `keyport agent` on the vault the running app uses does not refresh as well: the app holds
    the scheduler's lease, the agent waits as a warm spare, and the tokens stay fresh without a
    refused refresh."""
    env = dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE)
    agent = subprocess.Popen([str(keyport.binary), "--data-dir", str(keyport.data_dir), "agent"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        start, began = len(salesforce.refreshes), time.monotonic()
        until(lambda: len(salesforce.refreshes) >= start + 2, "two more refreshes with the agent beside the app",
              3 * LIFETIME + 15)
        elapsed = time.monotonic() - began
        status = keyport.run("jobs", "status", "--json", env=env)
        assert status.returncode == 0, status.stderr
        host = json.loads(status.stdout)["host"]
        assert host["host"] == "desktop" and host["pid"] != agent.pid, f"the app keeps the scheduler ({host})"
        assert agent.poll() is None, "the agent waits, it does not give up"
        seen = salesforce.refreshes[start:]
        assert "refused" not in seen, f"no refresh refused ({seen})"
        # A token lasting LIFETIME is refreshed a quarter of its life (and up to a second) before
        # it lapses: two hosts refreshing each would make about twice as many.
        assert len(seen) <= elapsed / (LIFETIME * 0.6) + 1, f"{len(seen)} refreshes in {elapsed:.0f} s"
    finally:
        agent.terminate()
        assert agent.wait(timeout=20) == 0, "the agent stops cleanly on SIGTERM"


ROW = '[data-testid="connection-row"]'


def test_the_row_tells_the_next_refresh_and_check(window):
    window.click('[data-testid="nav-connections"]')
    schedule = re.compile(r"refresh (now|in \d+ min) · check (now|in \d+ min)")
    window.wait(f'{ROW} [data-testid="next-jobs"]', lambda els: bool(els) and schedule.fullmatch(window.content(els[0])),
                what="the row to say when it is refreshed and checked next")
    assert re.fullmatch(r"checked (just now|\d+ min ago)", window.content(window.find(f'{ROW} [data-testid="last-check"]')))
    assert not window.all(f'{ROW} [data-testid="reconnect"]'), "a working connection offers no Reconnect"
    window.click('[data-testid="nav-marketplace"]')


def test_settings_sets_how_often_it_is_checked(window):
    window.click('[data-testid="nav-settings"]')
    interval = '[data-testid="settings-health"] [data-testid="health-interval"]'
    select = window.wait(interval, what="the connection's check interval in Settings")[0]
    assert window.value(select) == "", "the default interval until one is chosen"
    window.js("arguments[0].value = '5'; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", select)
    window.wait('[data-testid="status"]', lambda els: bool(els) and window.content(els[0])
                == f"{NAME} is checked every 5 min", what="the status to confirm the new interval")
    window.screenshot("e2e-settings-health.png")
    window.click('[data-testid="nav-marketplace"]')
    window.click('[data-testid="nav-settings"]')
    window.wait(interval, lambda els: bool(els) and window.value(els[0]) == "5",
                what="the interval kept in the vault")
    window.click('[data-testid="nav-marketplace"]')


def test_a_dead_grant_needs_reconnect_with_one_alert(window, desktop, salesforce, scenario):
    item = scenario.item
    salesforce.refuse_refresh = True
    until(lambda: "refused" in salesforce.refreshes, "the app's next refresh, refused", LIFETIME + 15)
    title = f"{NAME} Needs Reconnecting"
    until(lambda: desktop.notifications, "a notification", 15)
    until(lambda: status_line(desktop, item) == "1 needs attention", "the status line to say 1 needs attention", 15)
    assert look(desktop, item) == "failing", "a connection needing reconnect shows the failing look"
    assert labels(desktop, item) == ["1 needs attention", f"Reconnect {NAME}…", "─", "Open Keyport",
                                     "Test all connections", "─", "Lock vault", "─", "Quit Keyport"], \
        "the menu offers the reconnect"
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(desktop.item_properties(item)["IconName"]), SHOTS / "e2e-tray-icon-failing.png")
    window.screenshot("e2e-tray-needs-reconnect.png")
    refused = len(salesforce.refreshes)
    time.sleep(20)
    assert [n["summary"] for n in desktop.notifications] == [title], \
        f"exactly one notification, and none for the tries after ({desktop.notifications})"
    assert desktop.notifications[0]["app_name"], "the notification names its app"
    assert len(salesforce.refreshes) == refused, f"no refresh tried after the refusal ({salesforce.refreshes})"


def test_the_row_offers_reconnect(window):
    window.click('[data-testid="nav-connections"]')
    dead = f'{ROW}[data-needs-reconnect="true"]'
    window.wait(dead, what="the row needing reconnect")
    health = window.find(f'{dead} [data-testid="health"]')
    assert health.get_attribute("data-health") == "reconnect" and "Reconnect needed" in window.content(health)
    assert window.content(window.find(f'{dead} [data-testid="next-jobs"]')) == "paused until reconnected"
    assert window.find(f'{dead} [data-testid="reconnect"]').is_displayed(), "its Reconnect button"
    window.screenshot("e2e-connections-needs-reconnect.png")
    window.click('[data-testid="nav-marketplace"]')


def test_a_click_on_the_notification_opens_the_connection(window, desktop, scenario):
    window.click('[data-testid="nav-marketplace"]')
    (notice,) = [n for n in desktop.notifications if n["summary"] == f"{NAME} Needs Reconnecting"]
    desktop.activate(notice)
    wait = window.wait('[data-testid="reconnect-dialog"]', timeout=20,
                       what="the click to open Connections and start the reconnect")
    assert window.all('[data-testid="connections"]'), "the Connections page shows behind it"
    assert wait[0].get_attribute("data-connection-id") == window.find(ROW).get_attribute("data-connection-id")
    # The waiting step (and its Cancel) shows once the sign-in has started.
    window.wait('[data-testid="reconnect-dialog"] [data-testid="oauth-cancel"]', timeout=20,
                what="the sign-in to start")[0].click()
    window.wait('[data-testid="reconnect-dialog"]', lambda els: not els, what="the sign-in cancelled")


def test_reconnect_from_the_tray_signs_in_again(window, desktop, salesforce, scenario):
    desktop.click(scenario.item, f"Reconnect {NAME}…")
    wait = window.wait('[data-testid="reconnect-dialog"][data-dialog="oauth-wait"]', timeout=20,
                       what="the tray's Reconnect to open Connections and the waiting dialog")
    assert window.all('[data-testid="connections"]'), "the Connections page shows behind it"
    assert wait[0].get_attribute("data-connection-id") == window.find(ROW).get_attribute("data-connection-id")
    started = window.ipc_answer("oauth_reconnect")
    salesforce.refuse_refresh = False
    back = approve(started["authorization_url"])
    with urllib.request.urlopen(back, timeout=30):
        pass
    window.wait('[data-testid="reconnect-done"]', timeout=20, what="the sign-in to finish")
    window.screenshot("e2e-reconnect-done.png")
    window.click('[data-testid="reconnect-close"]')
    window.wait(f'{ROW} [data-testid="health"]', lambda els: bool(els) and els[0].get_attribute("data-health")
                != "reconnect", timeout=20, what="the row to work again")
    assert not window.all(f'{ROW}[data-needs-reconnect="true"]'), "it no longer needs a reconnect"
    until(lambda: status_line(desktop, scenario.item) == HEALTHY, "the tray to say healthy again", 20)
    # The notification that said it needs reconnecting no longer applies: it is withdrawn.
    (notice,) = [n for n in desktop.notifications if n["summary"] == f"{NAME} Needs Reconnecting"]
    until(lambda: notice["id"] in desktop.closed, "the Needs Reconnecting notification to be withdrawn", 20)


def test_lock_from_the_tray(window, desktop, scenario):
    item = scenario.item
    desktop.click(item, "Lock vault")
    until(lambda: status_line(desktop, item) == LOCKED, "the locked status line after Lock vault", 15)
    assert look(desktop, item) == "locked"
    assert "Unlock…" in labels(desktop, item) and "Lock vault" not in labels(desktop, item)
    window.wait('[data-testid="vault-state"]', lambda els: bool(els) and "locked" in els[0].text.lower()
                and "unlocked" not in els[0].text.lower(), timeout=15, what="the window to show the vault locked")


def test_quit_from_the_tray(window, desktop, scenario):
    name = scenario.item[0]
    desktop.click(scenario.item, "Quit Keyport")
    until(lambda: not desktop.has_owner(name), "the app to leave the session bus after Quit Keyport", 20)
