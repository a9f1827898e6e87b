"""tauri-driver, and Selenium's Remote WebDriver pointed at it: creating a session starts the
built app under WebKitWebDriver (TOOLCHAIN.md, Running headless)."""

import copy
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.command import Command
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.remote.remote_connection import RemoteConnection
from urllib3.exceptions import HTTPError, ProtocolError


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TauriOptions(ArgOptions):
    """What tauri-driver reads from a new session: the app binary and its arguments (a deep link
    at a cold start)."""

    def __init__(self, application, args=()):
        super().__init__()
        self.set_capability("tauri:options", {"application": str(application), "args": list(args)})


class ResendingConnection(RemoteConnection):
    """tauri-driver proxies to WebKitWebDriver over a pooled connection that WebKitWebDriver
    sometimes closes between requests; tauri-driver then drops ours before the request reached
    WebKitWebDriver, so it is safe to send again. A new session is never sent twice: it launches
    the app."""

    def execute(self, command, params):
        sent = 0
        while True:
            try:
                # `execute` consumes the path's parameters from the dict it is given.
                return super().execute(command, copy.copy(params))
            except ProtocolError:
                sent += 1
                if sent == 4 or command == Command.NEW_SESSION:
                    raise
                time.sleep(0.2)


class TauriDriver:
    """One tauri-driver for one test file, in its own process group so that what it started
    (WebKitWebDriver, the app, WebKit's helpers) can be stopped by that group's id alone. The
    app inherits `env` (the file's data directory) through it."""

    def __init__(self, app, env, log):
        self.app = Path(app)
        self.env = env
        self.log = log
        self.proc = None
        self.port = None

    def _start(self):
        self.port = free_port()
        # The app's own output arrives through tauri-driver: keep it in a file (an unread pipe
        # would fill up and stall the app).
        self.proc = subprocess.Popen(["tauri-driver", "--port", str(self.port)], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("tauri-driver did not start")

    def launch(self, args=()):
        """A WebDriver session with the app started. On a loaded 2-core machine WebKitWebDriver
        sometimes drops the very first session while the app is still starting; that is the
        harness, not the app, so the launch is tried again with a fresh tauri-driver (the app's
        own failures show up in every later check)."""
        for _ in range(3):
            if self.proc is None:
                self._start()
            config = ClientConfig(remote_server_addr=f"http://127.0.0.1:{self.port}", timeout=90)
            try:
                # A path typed into a field is text for the app to read, not a file to upload.
                return webdriver.Remote(command_executor=ResendingConnection(client_config=config),
                                        options=TauriOptions(self.app, args), file_detector=UselessFileDetector())
            except (WebDriverException, HTTPError, OSError) as err:
                print(f"  (session start failed: {err}; restarting tauri-driver)")
                self.stop()
                time.sleep(1)
        raise AssertionError("could not start a WebDriver session with the app")

    def app_running(self):
        """Whether the app this driver started still runs."""
        name = self.app.name[:15]  # /proc's comm is cut at 15 characters
        return self.proc is not None and name in living(self.proc.pid)

    def wait_app_gone(self, timeout=20.0):
        """Until the app has exited: its single-instance D-Bus name must be released, or the
        next launch would hand its link to the dying one."""
        deadline = time.monotonic() + timeout
        while self.app_running():
            if time.monotonic() > deadline:
                raise AssertionError("the app did not exit after its session ended")
            time.sleep(0.1)

    def stop(self):
        """Stops tauri-driver and whatever it left running (after a failed session start, the
        app may still be starting)."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        kill_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while living(proc.pid):
            if time.monotonic() > deadline:
                kill_group(proc.pid, signal.SIGKILL)
            time.sleep(0.1)
        proc.wait()


def kill_group(group, sig):
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass


def living(group):
    """The names of the processes in process group `group` that have not exited."""
    names = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        state, _ppid, pgrp = stat[stat.rindex(")") + 2:].split()[:3]
        if int(pgrp) == group and state not in ("Z", "X"):
            names.append(comm)
    return names
