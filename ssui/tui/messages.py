"""Messages that travel up to the app from any widget."""

from __future__ import annotations

from textual.message import Message
from textual.worker import Worker, WorkerState


class TaskFailed(Message):
    """A background task failed; the app shows it once, as a toast (this message bubbles)."""

    def __init__(self, what: str, error: BaseException | None) -> None:
        super().__init__()
        self.what = what
        self.error = error

    @property
    def text(self) -> str:
        return (str(self.error) or type(self.error).__name__) if self.error else "unknown error"


class SyncNow(Message):
    """The user asked for fresh data: poll the account now, or restart a stopped sync."""


def failure(event: Worker.StateChanged) -> TaskFailed | None:
    """The TaskFailed to post for a worker state change, if the worker failed.

    Worker state messages do not bubble, so each widget that runs workers turns its own
    failures into this one message, and the app's single handler shows them.
    """
    if event.state is not WorkerState.ERROR:
        return None
    w = event.worker
    return TaskFailed(w.description or w.name or "a background task", w.error)
