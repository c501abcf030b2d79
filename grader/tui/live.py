"""Live updates in the TUI: one watcher thread per app tells every subscribed screen what other
graders changed, within about ``POLL_SECONDS`` (SQLite) or at once (PostgreSQL).

The thread takes its values in (the open course) and posts messages out (``GradebookChanged``
to each screen that follows the gradebook); it never touches the DOM. It is a plain thread, not
a Textual worker: it lives as long as some screen follows, which Textual's workers would make
every "wait for the workers" wait on forever. It ends when the last follower leaves or stops
running. A failure to read is said once (``LiveUpdatesFailed``) and reading is tried again.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump

from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext

if TYPE_CHECKING:
    from grader.gradebook.live import GradebookChanges

WAIT_SECONDS = 0.5
"""How long the thread waits on the gradebook between two looks at whether it should stop."""
RETRY_SECONDS = 5.0
"""After a failed read (the database went away), how long before the watcher reads again."""


class GradebookChanged(Message):
    """Another grader, or another process, changed the gradebook."""

    def __init__(self, changes: GradebookChanges) -> None:
        super().__init__()
        self.changes = changes


class LiveUpdatesFailed(Message):
    """Reading what changed failed; the watcher tries again after ``RETRY_SECONDS``."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


@dataclass
class Watcher:
    """The thread that follows one open course for one app's screens."""

    ctx: CourseContext
    poll: float | None = None
    """Seconds between two looks at a SQLite gradebook (None: the feed's own ``POLL_SECONDS``)."""
    followers: list[weakref.ref[MessagePump]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None

    def follow(self, node: MessagePump) -> None:
        with self.lock:
            self.followers = [ref for ref in self.followers if ref() not in (None, node)]
            self.followers.append(weakref.ref(node))
            self.stop.clear()  # a thread about to end for want of followers goes on
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="grader-live-updates", daemon=True)
                self.thread.start()

    def leave(self, node: MessagePump) -> None:
        with self.lock:
            self.followers = [ref for ref in self.followers if ref() not in (None, node)]
            if not self._running_followers():
                self.stop.set()

    def _running_followers(self) -> list[MessagePump]:
        """(Holding the lock.) The followers still running; the others are forgotten."""
        alive = [node for ref in self.followers if (node := ref()) is not None and node.is_running]
        self.followers = [weakref.ref(node) for node in alive]
        return alive

    def _goes_on(self) -> bool:
        """Whether the thread goes on; when not, the next follower starts a new one."""
        with self.lock:
            if self.stop.is_set() or not self._running_followers():
                self.thread = None
                return False
            return True

    def tell(self, changes: GradebookChanges) -> None:
        """Every follower gets the news."""
        with self.lock:
            followers = self._running_followers()
        for node in followers:
            node.post_message(GradebookChanged(changes))

    def report(self, error: BaseException) -> None:
        """The oldest follower reports a failure, once."""
        with self.lock:
            followers = self._running_followers()
        if followers:
            followers[0].post_message(LiveUpdatesFailed(error))

    def run(self) -> None:
        feed = None
        try:
            # Loaded here, in the watcher's thread: live updates start once the course is fully
            # open, and the gradebook modules they read through are not on the way to the first key.
            from grader.gradebook.live import POLL_SECONDS, LiveFeed

            poll = POLL_SECONDS if self.poll is None else self.poll
            feed = LiveFeed(self.ctx, poll=poll)
            while self._goes_on():
                try:
                    changes = feed.next(WAIT_SECONDS)
                except GraderError as error:
                    self.report(error)
                    feed.close()
                    feed = LiveFeed(self.ctx, poll=poll)
                    self.stop.wait(RETRY_SECONDS)
                    continue
                if changes is not None:
                    self.tell(changes)
        except Exception as error:  # reported once (a bug with a crash log); the next follower starts again
            with self.lock:
                self.thread = None
            self.report(error)
        finally:
            if feed is not None:
                feed.close()


_WATCHERS: weakref.WeakKeyDictionary[App[object], Watcher] = weakref.WeakKeyDictionary()
"""One watcher per app (two apps in one process, as in tests, watch separately)."""


def follow_gradebook(node: MessagePump, ctx: CourseContext) -> None:
    """Post ``GradebookChanged`` to ``node`` (a screen) whenever someone else changes the
    gradebook, until :func:`stop_following` or until it stops running."""
    app = node.app
    watcher = _WATCHERS.get(app)
    if watcher is None or watcher.ctx is not ctx:
        if watcher is not None:
            watcher.stop.set()
        watcher = _WATCHERS[app] = Watcher(ctx)
    watcher.follow(node)


def stop_following(node: MessagePump) -> None:
    watcher = _WATCHERS.get(node.app)
    if watcher is not None:
        watcher.leave(node)
