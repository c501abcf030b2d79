"""The one ordered worker behind the Grading and Second marking screens' saves.

A screen puts operations in from the UI thread; one thread worker takes them out and does them
in the order put, so a second key never races the first, and posts what happened to ``target``
as messages (it never reads the screen). ``AfterSaves`` runs a function on the UI thread once
everything queued before it is done (leaving, quitting). What an operation does, and what a
failure means, is the subclass's: :class:`grader.tui.grading.saves.SaveQueue` (grades) and
:class:`grader.tui.grading.marks.MarkQueue` (second marks).
"""

from __future__ import annotations

import queue
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from grader.gradebook.context import CourseContext


@dataclass(frozen=True)
class AfterSaves:
    """Once everything queued before it is saved, ``then`` runs (on the UI thread: SavesDone)."""

    then: Callable[[], object]


class SavesDone(Message):
    def __init__(self, then: Callable[[], object]) -> None:
        super().__init__()
        self.then = then


OpT = TypeVar("OpT")


@dataclass
class OrderedQueue(ABC, Generic[OpT]):
    """Owned by one screen: ``put`` from the UI, ``run`` in a thread worker."""

    ctx: CourseContext
    assignment_id: str
    target: MessagePump
    ops: queue.Queue[OpT | AfterSaves] = field(default_factory=queue.Queue)
    running: OpT | AfterSaves | None = None
    """The operation the worker is on; after the worker died, the one it died on."""

    def put(self, op: OpT | AfterSaves) -> None:
        self.ops.put(op)

    @property
    def pending(self) -> int:
        """Operations queued or running (the tests wait for zero)."""
        return self.ops.unfinished_tasks

    def run(self) -> None:
        """Work until cancelled with nothing queued (a screen left still saves what it queued),
        or until ``attempt`` says the queue stops; anything unexpected propagates and the worker
        dies (the screen reports it)."""
        worker = get_current_worker()
        while True:
            try:
                op = self.ops.get(timeout=0.1)
            except queue.Empty:
                if worker.is_cancelled:
                    return
                continue
            self.running = op
            try:
                stopped = self._one(op)
            finally:
                self.ops.task_done()
            self.running = None
            if stopped:
                return

    def _one(self, op: OpT | AfterSaves) -> bool:
        if isinstance(op, AfterSaves):
            self.target.post_message(SavesDone(op.then))
            return False
        return self.attempt(op)

    @abstractmethod
    def attempt(self, op: OpT) -> bool:
        """Do one operation and post what happened; True: the queue stops (what waits is taken
        back with ``take_waiting``)."""

    def take_waiting(self) -> list[OpT | AfterSaves]:
        """Every operation still queued, oldest first (the UI's, once the worker has stopped)."""
        taken: list[OpT | AfterSaves] = []
        while True:
            try:
                taken.append(self.ops.get_nowait())
            except queue.Empty:
                return taken
            self.ops.task_done()
