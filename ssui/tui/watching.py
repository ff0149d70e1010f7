"""What the app watches and which events toast, from the session's watch settings (no Textual).

The settings screen edits a ``WatchSettings``; this turns it into what the mirror polls, what
the Activity feed shows and which events become toasts, resolving "mine" through the
profile's ``me``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ssui.config import WatchPrefs, WatchSettings, config_paths
from ssui.mirror import MirrorStore
from ssui.mirror.events import WatchEvent
from ssui.mirror.watch import STREAM_KINDS
from ssui.mirror.watch_scope import WatchScope, resolve_me

if TYPE_CHECKING:
    from ssui.mirror.account import AccountMirror

KIND_STREAMS = {kind: name for name, kind in STREAM_KINDS.items()}


class Watching:
    """The app's watch settings and where they are kept."""

    def __init__(self, prefs: WatchPrefs, store: MirrorStore) -> None:
        self.prefs = prefs
        self.store = store
        self._me: int | None = None

    @property
    def settings(self) -> WatchSettings:
        return self.prefs.settings

    @property
    def me(self) -> int | None:
        """The user's id in the account, when the profile's ``me`` names one the mirror knows."""
        if self._me is None:
            self._me = resolve_me(self.store, self.prefs.me)
        return self._me

    def me_name(self) -> str:
        """The user's name for "Mine (…)" ("" when unknown)."""
        me = self.me
        if me is None:
            return ""
        user = self.store.get("user_profile", me)
        if not user:
            return f"user #{me}"
        return str(self.store.entity("user_profile").display_name(user))

    def mine_label(self) -> str:
        """The "Mine" choice, with the user's name when known."""
        name = self.me_name()
        return f"Mine ({name})" if name else "Mine"

    def no_mine_hint(self) -> str:
        """How to make "mine" known (the API does not say whose key it is)."""
        prefs = self.prefs
        if prefs.me:
            return (f'"Mine": no user with id or email {prefs.me!r} in the account (me in'
                    f" {config_paths().config_file})")
        if prefs.kept:
            return (f'"Mine" needs to know who you are: add me = "<your user id or email>"'
                    f" under [profiles.{prefs.profile}] in {config_paths().config_file}")
        return ('"Mine" needs to know who you are: a saved profile with me = "<your user id'
                ' or email>" (see ssui login)')

    def owner_id(self, settings: WatchSettings | None = None) -> int | None:
        """The owner of new records the settings choose (None: anyone, or mine unknown)."""
        s = settings or self.settings
        return self.me if s.owner == "mine" else s.owner_id

    @property
    def scope(self) -> WatchScope:
        return WatchScope.of(self.settings.streams, self.owner_id())

    def admitted(self, events: Iterable[WatchEvent]) -> list[WatchEvent]:
        """The events the user watches (the others are neither shown live nor toasted)."""
        return self.scope.only(events)

    def toasts(self, event: WatchEvent) -> bool:
        """True when ``event``'s kind is one the settings toast."""
        return KIND_STREAMS[event.kind] in self.settings.toasts

    def apply(self, mirror: AccountMirror | None) -> None:
        """Make the live mirror poll what is watched, within the quota share, from now on."""
        if mirror is not None:
            mirror.watch_only(self.settings.streams, self.settings.quota_share)
