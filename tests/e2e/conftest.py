"""End-to-end tests of the real desktop app: the built binary in a real window under Xvfb,
driven through tauri-driver by Selenium inside a D-Bus session (`make e2e` runs them through
scripts/headless.sh).

Each test_*.py file is one page or flow: it starts the app once, in a data directory of its own,
and its tests are the scenario's steps in order (a failed step skips the file's later ones). The
fixtures here give a file what it needs before and after the start: `keyport` (the CLI on the
file's data directory), `vault` (made with PASSPHRASE), `launch` / `window` (the app through
tauri-driver), `open_link` (a second launch with a keyport:// link) and `scenario` (what one step
learns for a later one). Screenshots go to target/screenshots/, a failed step's as
e2e-failure-<file>-<step>.png."""

import os
import shutil
import subprocess
import tempfile
import types
from pathlib import Path

import pytest

# The shared checks (IPC answers, the dialog's accessibility) report their values as the tests' own do.
pytest.register_assert_rewrite("support")

from support.driver import TauriDriver  # noqa: E402
from support.keyport import Keyport  # noqa: E402
from support.standins import SendGrid  # noqa: E402
from support.window import PASSPHRASE, ROOT, Window  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--app", default=str(ROOT / "target" / "debug" / "keyport-desktop"),
                     help="the built desktop app (the keyport CLI is taken from beside it)")


@pytest.fixture(scope="session")
def app_binary(pytestconfig):
    return Path(pytestconfig.getoption("--app")).resolve()


@pytest.fixture(scope="session")
def driver_log():
    (ROOT / "target").mkdir(exist_ok=True)
    with open(ROOT / "target" / "e2e-driver.log", "w") as log:
        yield log


@pytest.fixture(scope="module")
def data_dir():
    path = Path(tempfile.mkdtemp(prefix="keyport-e2e-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def app_env(data_dir):
    return dict(os.environ, KEYPORT_DATA_DIR=str(data_dir))


@pytest.fixture(scope="module")
def keyport(app_binary, data_dir):
    return Keyport(app_binary.with_name("keyport"), data_dir)


@pytest.fixture(scope="module")
def vault(keyport):
    keyport.init_vault(PASSPHRASE)


@pytest.fixture(scope="module")
def sendgrid(keyport):
    """The stand-in SendGrid, added as the custom connector `SendGrid.IDENT`."""
    with SendGrid() as standin:
        keyport.add_connector(SendGrid.IDENT, standin.connector(SendGrid.IDENT, "Stand-in SendGrid"))
        yield standin


@pytest.fixture(scope="module")
def launch(request, app_binary, app_env, driver_log):
    """Starts the app with `args` and gives its window once the page is up, every command the
    page invokes recorded from then on. After the file's last step the session ends and the app
    must exit."""
    driver_log.write(f"===== {request.module.__name__}\n")
    driver_log.flush()
    tauri = TauriDriver(app_binary, app_env, driver_log)
    started = []

    def start(args=()):
        driver = tauri.launch(args)
        started.append(driver)
        window = Window(driver)
        # The live page, not the first look the shell writes into the page (inert until replaced).
        window.wait('#app:not([hidden]) [data-testid="nav-marketplace"]', what="the page")
        assert window.record_ipc(), "every command the page invokes is recorded from here on"
        return window

    yield start
    try:
        for driver in started:
            driver.quit()
        tauri.wait_app_gone()
    finally:
        tauri.stop()


@pytest.fixture(scope="module")
def window(launch):
    """The app started with no arguments; a file that needs something first (a vault, a
    stand-in) overrides this fixture to ask for it before the launch."""
    return launch()


@pytest.fixture(scope="module")
def open_link(app_binary, app_env):
    """Launches the app a second time with `url`, as the OS does for a keyport:// link: the
    running instance receives it and the second process exits."""
    def run(url):
        return subprocess.run([str(app_binary), url], env=app_env, capture_output=True, text=True, timeout=30)
    return run


@pytest.fixture(scope="module")
def scenario():
    """What one step of a file learns and a later step uses (a flow's id, a callback)."""
    return types.SimpleNamespace()


# ---------- one scenario per file: a failed step stops the file, with a screenshot ----------

FAILED = pytest.StashKey[str]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        item.getparent(pytest.Module).stash[FAILED] = item.name
        window = item.funcargs.get("window")
        if isinstance(window, Window):
            record_failure(window, item, report)
    return report


def record_failure(window, item, report):
    """What the window showed when it went wrong, and the commands the page invoked by name only
    (their arguments may hold a passphrase), for whoever reads the CI log."""
    try:
        window.screenshot(f"e2e-failure-{item.module.__name__}-{item.name}.png")
        calls = [e["cmd"] for e in window.ipc_log()]
        report.sections.append(("commands invoked since the recorder started", str(calls)))
    except Exception as err:  # the app may be gone; the failure itself is what matters
        report.sections.append(("no screenshot", repr(err)))


def pytest_runtest_setup(item):
    failed = item.getparent(pytest.Module).stash.get(FAILED, None)
    if failed:
        pytest.skip(f"the scenario stopped at {failed}")
