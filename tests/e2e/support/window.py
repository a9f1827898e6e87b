"""The app's window as the tests read it: Selenium's WebDriver plus the waits, page reads and
secret checks every page's tests share."""

import json
import time
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "target" / "screenshots"

# The passphrase every E2E vault is made with.
PASSPHRASE = "e2e passphrase for the vault"

# Records every command the page invokes from now on, with its arguments and its answer
# (THREATS.md row 9). The page looks `window.__TAURI__.core` up on every call, so swapping in a
# recording copy catches all later calls; the shell's events carry no secrets by design and are
# not recorded.
IPC_RECORDER = """
const tauri = window.__TAURI__;
const real = tauri.core.invoke;
window.__ipcLog = [];
const invoke = function (cmd, args, options) {
  const entry = {cmd, args: JSON.stringify(args === undefined ? null : args)};
  window.__ipcLog.push(entry);
  return real.call(this, cmd, args, options).then(
    answer => { entry.answer = JSON.stringify(answer === undefined ? null : answer); return answer; },
    error => { entry.answer = JSON.stringify(error === undefined ? null : error); throw error; });
};
window.__TAURI__ = Object.assign({}, tauri, {core: Object.assign({}, tauri.core, {invoke})});
return window.__TAURI__.core.invoke === invoke;
"""

# Resolves once the page has painted what the checks just saw (two animation frames) and every
# finite animation (the 200 ms dialog and sheet transitions) has ended: WebKitWebDriver's
# screenshot is the last painted frame.
SETTLED = """
const done = arguments[arguments.length - 1];
const finite = document.getAnimations().filter(a => a.playState === 'running'
  && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
const painted = () => requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
Promise.race([Promise.all(finite.map(a => a.finished.catch(() => null))),
              new Promise(resolve => setTimeout(resolve, 1000))]).then(painted);
"""


class Window:
    def __init__(self, driver):
        self.driver = driver

    # ---------- finding and waiting ----------

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def click(self, css):
        self.find(css).click()

    def wait(self, css, until=lambda els: len(els) > 0, timeout=20.0, what=None):
        """The elements matching `css` once `until` holds for them."""
        seen = []

        def ready(_driver):
            seen[:] = self.all(css)
            return until(seen)

        try:
            # A re-render between finding and reading an element makes it stale: look again.
            WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                          ignored_exceptions=(StaleElementReferenceException,)).until(ready)
            return seen
        except TimeoutException:
            first = ""
            if seen:
                try:
                    first = f", the first reading {seen[0].text!r}"
                except StaleElementReferenceException:
                    pass
            raise AssertionError(
                f"timed out waiting for {what or css} (last saw {len(seen)} elements{first})") from None

    def wait_gone(self, css, what, timeout=20.0):
        self.wait(css, lambda els: not els, timeout=timeout, what=what)

    def until(self, condition, what, timeout=30.0):
        """The first truthy value of `condition()`, polled."""
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(lambda _driver: condition())
        except TimeoutException:
            raise AssertionError(f"timed out waiting for {what}") from None

    # ---------- reading and typing ----------

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def content(self, el):
        """The element's textContent (WebKitWebDriver's visible text skips clipped children)."""
        return self.js("return arguments[0].textContent;", el)

    def value(self, el):
        return self.js("return arguments[0].value;", el)

    def set_value(self, el, text):
        """Replaces a field's text the way the page sees it: emptied with an input event
        (WebDriver's clear fires none), then typed."""
        self.js("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", el)
        if text:
            el.send_keys(text)

    def has_focus(self, el):
        return self.js("return document.activeElement === arguments[0];", el)

    def focus_moves_to(self, element_id, timeout=5.0):
        """Whether focus lands on the element with `element_id` within `timeout` (focus may move
        a task after the render)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.js("return document.activeElement && document.activeElement.id;") == element_id:
                return True
            time.sleep(0.05)
        return False

    def key(self, key):
        """Presses and releases one key (selenium's Keys, e.g. Keys.ESCAPE) wherever focus is."""
        actions = ActionBuilder(self.driver)
        actions.key_action.key_down(key).key_up(key)
        actions.perform()
        actions.clear_actions()

    def clear_search(self):
        # WebDriver's element clear fires no input event; the search's own Clear button does.
        for clear in self.all('button[aria-label="Clear search"]'):
            clear.click()

    def screenshot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.execute_async_script(SETTLED)
        path = SHOTS / name
        path.write_bytes(self.driver.get_screenshot_as_png())
        print(f"  screenshot: {path.relative_to(ROOT)}")

    # ---------- secrets in the page and across the IPC ----------

    def leaks(self, needle):
        """Whether `needle` is anywhere in the page's HTML or web storage (UI.md section 9)."""
        return self.js(
            "const n = arguments[0];"
            "const inStorage = s => Object.keys(s).some(k => k.includes(n) || (s.getItem(k) || '').includes(n));"
            "return document.documentElement.outerHTML.includes(n)"
            " || inStorage(window.localStorage) || inStorage(window.sessionStorage);",
            needle)

    def record_ipc(self):
        return self.js(IPC_RECORDER)

    def ipc_log(self, since=0):
        return self.js("return window.__ipcLog || [];")[since:]

    def ipc_answer(self, command):
        """The last recorded answer to `command`, parsed."""
        answers = [e for e in self.ipc_log() if e["cmd"] == command and e.get("answer")]
        assert answers, f"the page called {command} and got an answer"
        return json.loads(answers[-1]["answer"])

    def no_answer_holds(self, since, secrets, commands, what):
        """No command answered since log entry `since` held any of `secrets` (THREATS.md row 9),
        and the recorder saw `commands` meanwhile."""
        log = self.ipc_log(since)
        seen = {e["cmd"] for e in log}
        assert commands <= seen, f"the recorder saw {', '.join(sorted(commands))}"
        leaks = [e["cmd"] for e in log for k in secrets if k in (e.get("answer") or "")]
        assert not leaks, f"no answer sent to the webview held {what} (leaked by: {leaks})"

    # ---------- the vault and the connect dialog ----------

    def unlock(self):
        """Unlocks the vault from the sidebar, as a person does after starting the app."""
        self.wait('[data-testid="vault-state"] button', what="the vault state in the sidebar")[0].click()
        self.wait('[data-testid="unlock"]', what="the unlock screen")
        self.submit_passphrase()
        try:
            self.wait('[data-testid="vault-state"]', lambda els: bool(els) and "unlocked" in els[0].text.lower(),
                      timeout=30, what="the unlocked state")
        except AssertionError as timeout:
            raise AssertionError(f"{timeout}{self.refusal()}") from None

    def submit_passphrase(self):
        """Types the passphrase into the unlock screen and submits it. On a loaded machine the
        screen can be drawn afresh between finding the field and typing (the first status
        arriving), which loses the keys: type again until the field the page holds has it."""
        def typed():
            try:
                field = self.wait('[data-testid="unlock-passphrase"]', what="the passphrase field")[0]
                if self.value(field) != PASSPHRASE:
                    self.set_value(field, PASSPHRASE)
                return self.value(self.find('[data-testid="unlock-passphrase"]')) == PASSPHRASE
            except StaleElementReferenceException:
                return False

        self.until(typed, "the passphrase in the unlock field", timeout=20)
        self.click('[data-testid="unlock-submit"]')

    def refusal(self):
        """What the unlock screen says, if it refused, for a timeout's message."""
        errors = self.all('[data-testid="unlock"] [data-testid="form-error"]')
        return f" (the unlock screen says {self.content(errors[0])!r})" if errors else ""

    def open_connect_dialog(self, ident):
        """Marketplace › the connector's card › Connect, through Unlock when the vault is locked."""
        self.wait('[data-testid="nav-marketplace"]')[0].click()
        self.clear_search()
        self.wait(f'[data-testid="connector-card"][data-connector-id="{ident}"]')[0].click()
        self.wait('[data-testid="connector-sheet"] [data-testid="connect-button"]',
                  what="the sheet's Connect button")[0].click()
        shown = self.wait('[data-testid="connect-dialog"], [data-testid="unlock"]',
                          what="the connect dialog or the unlock screen")
        if shown[0].get_dom_attribute("data-testid") == "unlock":
            self.submit_passphrase()
        self.wait(f'[data-testid="connect-dialog"][data-connector-id="{ident}"]', timeout=30,
                  what=f"the connect dialog for {ident}")

    def field(self, key):
        return self.wait(f'[data-testid="connect-dialog"] [data-testid="field-{key}"]', what=f"the {key} field")[0]

    def close_sheet(self):
        self.click('[data-testid="connector-sheet"] button[aria-label="Close details"]')

    def dialog_a11y(self):
        """UI.md section 7 in the open dialog: every control has a visible <label for>, every
        aria-describedby names elements that exist, and the dialog fits the window with a
        scrolling body."""
        found = self.js("""
            const d = document.querySelector('[data-testid="connect-dialog"]');
            const controls = [...d.querySelectorAll('input:not([type=radio]), select, textarea')];
            const unlabelled = controls.filter(c => {
                const l = d.querySelector('label[for="' + c.id + '"]');
                return !l || !l.textContent.trim() || l.getBoundingClientRect().height === 0;
            }).map(c => c.id || c.outerHTML.slice(0, 60));
            const dangling = controls.flatMap(c => (c.getAttribute('aria-describedby') || '').split(' ')
                .filter(id => id && !document.getElementById(id)));
            const radios = [...d.querySelectorAll('input[type=radio]')].filter(r => !r.closest('label'));
            const body = d.querySelector('.dialog-body');
            return {unlabelled, dangling, radios: radios.length,
                    height: d.getBoundingClientRect().height, window: window.innerHeight,
                    width: d.getBoundingClientRect().width,
                    scrolls: getComputedStyle(body).overflowY};""")
        assert not found["unlabelled"], f"every field in the dialog has a visible label ({found['unlabelled']})"
        assert not found["dangling"], f"every aria-describedby points at text on the page ({found['dangling']})"
        assert found["radios"] == 0, "every radio sits in its label"
        assert found["height"] <= found["window"] - 48 + 0.5, \
            f"the dialog fits the window less 48 px ({found['height']:.0f} of {found['window']})"
        assert found["width"] <= 640.5, f"the dialog is at most 640 px wide ({found['width']:.0f})"
        assert found["scrolls"] == "auto", "the dialog body scrolls"
