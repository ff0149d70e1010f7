"""The notifications log (ctrl+l) and the banner for watches that stopped until the user acts.

The app runs on the real mirror of an in-process sandbox (see ``live``): the failures are the
sandbox's own answers (5xx, 105 for a wrong secret key, 106 once the day's quota is spent).
"""

from __future__ import annotations

from textual.widgets import OptionList

from ssui.mirror.scheduler import NeedsUser, StreamStatus
from ssui.sandbox.faults import FaultPlan, FaultSpec
from ssui.tui.app import SsuiApp
from ssui.tui.messages import TaskFailed
from ssui.tui.screens.main import MainScreen
from ssui.tui.screens.notifications import NotificationsScreen
from ssui.tui.widgets.stop_banner import StopBanner

from .helpers import settle
from .live import PROFILE, Live, live, streams_in, until

__all__ = ["live"]  # the fixture, for pytest

LONG = ("the mirror file could not be written: " + "every word of this error matters, " * 8
        + "and so does its end")


def logged(app: SsuiApp) -> list[str]:
    """The log screen's entries as text, top to bottom."""
    options = app.screen.query_one("#notices", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def banner(app: SsuiApp) -> StopBanner:
    return app.screen.query_one(StopBanner)


async def test_ctrl_l_lists_every_toast_and_error_of_the_run_newest_first_in_full(
        live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.notify("Form filled: Contact Us · Jane Doe <jane@example.com>", title="Form filled")
        app.post_message(TaskFailed("saving the lead", OSError(LONG)))
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        entries = logged(app)
        failed = next(i for i, e in enumerate(entries) if "Failed saving the lead" in e)
        filled = next(i for i, e in enumerate(entries) if "Jane Doe <jane@example.com>" in e)
        assert failed < filled  # newest first
        assert LONG in entries[failed]  # whole, never cut
        # On screen too: every line of it wraps into view, none is cut off.
        await pilot.resize_terminal(60, 40)
        await settle(pilot)
        shown = app.screen.query_one(OptionList)
        text = " ".join(str(shown.render_line(y).text) for y in range(shown.size.height))
        assert "and so does its end" in " ".join(text.split())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_the_palette_opens_the_notifications_log(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        command = next(c for c in app.get_system_commands(app.screen)
                       if c.title == "Notifications log")
        assert command.help.endswith("key ^l")
        await command.callback()
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        assert logged(app) == ["Nothing yet: every toast and every error of this run is kept"
                               " here."]


async def test_a_failure_the_watches_retry_on_their_own_is_in_the_log_in_full(
        live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        live.sandbox.faults = FaultPlan(FaultSpec(error=1.0), seed=1)  # every call: HTTP 5xx
        assert app.mirror is not None
        app.mirror.scheduler.refresh_now()
        await until(pilot, lambda: bool(streams_in(app, StreamStatus.RETRYING)))
        live.sandbox.faults = None
        retry = next(n for n in app.notices.newest_first() if "retrying" in n.title)
        assert not retry.toasted and retry.severity == "warning"
        assert "SharpSpring is unavailable (HTTP 5" in retry.message
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert any(retry.message in e and "retrying" in e for e in logged(app))


async def test_a_spent_daily_quota_stops_the_watches_with_a_banner_until_they_run_again(
        live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not banner(app).display
        limits = live.sandbox.limits
        assert limits is not None
        limits.daily_quota = 0  # the server answers 106 from now on
        assert app.mirror is not None
        app.mirror.scheduler.refresh_now()
        await until(pilot, lambda: "activity" in streams_in(app, StreamStatus.STOPPED))
        await settle(pilot)
        stopped = app.mirror.scheduler.streams["activity"]
        assert stopped.needs is NeedsUser.QUOTA
        assert banner(app).display
        assert "today's API quota is used up" in banner(app).text
        assert "midnight UTC" in banner(app).text and "press r" in banner(app).text
        assert any(n.severity == "error" and "106" in n.message for n in app.notices.notices)
        limits.daily_quota = 50_000  # a new day
        await pilot.press("r")
        await until(pilot, lambda: not streams_in(app, StreamStatus.STOPPED))
        await settle(pilot)
        assert not banner(app).display and banner(app).text == ""


async def test_a_refused_secret_key_stops_the_watches_with_a_banner_saying_what_to_do(
        live: Live) -> None:
    app = live.app(secret="not-the-secret")
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: "activity" in streams_in(app, StreamStatus.STOPPED))
        await settle(pilot)
        text = banner(app).text
        assert "SharpSpring refused the ID or key" in text
        assert f"run ssui login --name {PROFILE}, then press r" in text
        assert app.is_running
