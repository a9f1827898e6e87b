"""What a Linux desktop offers an app on its session bus, for the app to use and the test to read:
a StatusNotifierWatcher that tray items register with (a panel's part of the tray protocol) and a
notification server that records what it is asked to show. Both answer from a thread of their own
(dbus-fast on its own asyncio loop) from before the app starts until the file ends. Through the
same connection the test reads the registered item (its properties and its com.canonical.dbusmenu
menu) and clicks its menu entries as a panel does."""

import asyncio
import re
import threading
import time

from dbus_fast import BusType, Message, MessageType, NameFlag, RequestNameReply, Variant
from dbus_fast.aio import MessageBus

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
PROPERTIES = "org.freedesktop.DBus.Properties"
MENU = "com.canonical.dbusmenu"


class DesktopBus:
    """The watcher and the notification server while the `with` block runs. `items` are the
    registered tray items as (bus name, object path); `notifications` what Notify was asked;
    `closed` the ids CloseNotification was asked to close (a notice withdrawn)."""

    def __init__(self):
        self.items = []
        self.notifications = []
        self.closed = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._bus = None

    def __enter__(self):
        self._thread.start()
        try:
            self._run(self._start())
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self._bus is not None:
            self._bus.disconnect()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _run(self, coroutine, timeout=10):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _start(self):
        self._bus = await MessageBus(bus_type=BusType.SESSION).connect()
        self._bus.add_message_handler(self._answer)
        for name in (WATCHER, NOTIFICATIONS):
            reply = await self._bus.request_name(name, NameFlag.DO_NOT_QUEUE)
            assert reply == RequestNameReply.PRIMARY_OWNER, f"{name} is free on the test's session bus ({reply})"

    # ---------- the services ----------

    def _answer(self, msg):
        if msg.message_type != MessageType.METHOD_CALL:
            return None
        if msg.path == WATCHER_PATH:
            return self._watcher(msg)
        if msg.path == NOTIFICATIONS_PATH:
            return self._notifier(msg)
        return None

    def _watcher(self, msg):
        props = {"RegisteredStatusNotifierItems": Variant("as", [f"{n}{p}" for n, p in self.items]),
                 "IsStatusNotifierHostRegistered": Variant("b", True),
                 "ProtocolVersion": Variant("i", 0)}
        if msg.interface == PROPERTIES and msg.member == "Get":
            return Message.new_method_return(msg, "v", [props[msg.body[1]]])
        if msg.interface == PROPERTIES and msg.member == "GetAll":
            return Message.new_method_return(msg, "a{sv}", [props])
        if msg.member == "RegisterStatusNotifierItem":
            # An item gives its object path (its bus name is the caller) or its bus name.
            given = msg.body[0]
            item = (msg.sender, given) if given.startswith("/") else (given, "/StatusNotifierItem")
            if item not in self.items:
                self.items.append(item)
            self._bus.send(Message.new_signal(WATCHER_PATH, WATCHER, "StatusNotifierItemRegistered",
                                              "s", [f"{item[0]}{item[1]}"]))
            return Message.new_method_return(msg)
        if msg.member == "RegisterStatusNotifierHost":
            return Message.new_method_return(msg)
        return None

    def _notifier(self, msg):
        if msg.member == "Notify":
            app_name, replaces, _icon, summary, body, actions, _hints, _timeout = msg.body
            self.notifications.append({"app_name": app_name, "summary": summary, "body": body,
                                       "actions": actions[::2], "id": replaces or len(self.notifications) + 1})
            return Message.new_method_return(msg, "u", [self.notifications[-1]["id"]])
        if msg.member == "GetCapabilities":
            return Message.new_method_return(msg, "as", [["body", "actions"]])
        if msg.member == "GetServerInformation":
            return Message.new_method_return(msg, "ssss", ["keyport-e2e", "keyport", "1", "1.2"])
        if msg.member == "CloseNotification":
            self.closed.append(msg.body[0])
            # The spec's answer: the notification is gone, closed by the call (reason 3).
            self._bus.send(Message.new_signal(NOTIFICATIONS_PATH, NOTIFICATIONS, "NotificationClosed",
                                              "uu", [msg.body[0], 3]))
            return Message.new_method_return(msg)
        return None

    # ---------- what the test reads and does ----------

    def wait_item(self, timeout=30.0):
        """The first tray item registered, once one is."""
        deadline = time.monotonic() + timeout
        while not self.items:
            assert time.monotonic() < deadline, "no tray item registered with the StatusNotifierWatcher"
            time.sleep(0.1)
        return self.items[0]

    async def _call(self, destination, path, interface, member, signature="", body=()):
        reply = await self._bus.call(Message(destination=destination, path=path, interface=interface,
                                             member=member, signature=signature, body=list(body)))
        assert reply.message_type == MessageType.METHOD_RETURN, \
            f"{interface}.{member} on {destination}{path} answered {reply.error_name}: {reply.body}"
        return reply.body

    def call(self, destination, path, interface, member, signature="", body=()):
        return self._run(self._call(destination, path, interface, member, signature, body))

    def item_properties(self, item):
        """The item's org.kde.StatusNotifierItem properties, as plain values."""
        name, path = item
        (props,) = self.call(name, path, PROPERTIES, "GetAll", "s", [ITEM])
        return {key: value.value for key, value in props.items()}

    def menu(self, item):
        """The item's menu as a list of entries (label, enabled, visible, type, dbusmenu id), top
        to bottom, from GetLayout on the object its Menu property names."""
        name, _ = item
        menu_path = self.item_properties(item)["Menu"]
        _revision, (_root, _props, children) = self.call(name, menu_path, MENU, "GetLayout", "iias",
                                                         [0, -1, []])
        entries = []
        for child in children:
            ident, props, _sub = child.value
            values = {key: value.value for key, value in props.items()}
            entries.append({"id": ident, "label": re.sub("_(.)", r"\1", values.get("label", "")),
                            "enabled": values.get("enabled", True), "visible": values.get("visible", True),
                            "type": values.get("type", "standard")})
        return [e for e in entries if e["visible"]]

    def click(self, item, label):
        """Clicks the visible menu entry labelled `label`, as a panel does."""
        name, _ = item
        menu_path = self.item_properties(item)["Menu"]
        found = [e for e in self.menu(item) if e["label"] == label]
        assert found, f"the tray menu has {label!r}: {[e['label'] for e in self.menu(item)]}"
        self.call(name, menu_path, MENU, "Event", "isvu", [found[0]["id"], "clicked", Variant("i", 0), 0])

    def activate(self, notification):
        """Clicks a shown notification, as a notification server reports it: the `default`
        action, which the app must have offered."""
        assert "default" in notification["actions"], f"the notification can be clicked ({notification})"
        signal = Message.new_signal(NOTIFICATIONS_PATH, NOTIFICATIONS, "ActionInvoked", "us",
                                    [notification["id"], "default"])
        self._loop.call_soon_threadsafe(self._bus.send, signal)

    def has_owner(self, name):
        (owned,) = self.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                             "NameHasOwner", "s", [name])
        return owned
