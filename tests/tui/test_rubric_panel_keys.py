"""The rubric panel owns the criterion keys: mounted alone, each key posts what it chose."""

from __future__ import annotations

from decimal import Decimal

from hostile import RecordingApp
from textual import on
from textual.app import ComposeResult
from textual.events import Key
from textual.message import Message

from grader.domain.rubric import ChecklistItem, Criterion, CriterionKind, Level, Rubric
from grader.tui.widgets.rubric_panel import RubricPanel, RubricState
from grader.tui.widgets.second_mark_state import SecondMarkPanel, SecondMarkState

CORRECT = Criterion("correctness", "Correct results", CriterionKind.LEVELS,
                    levels=(Level("Good", Decimal(10)), Level("Bad", Decimal(0))))  # fmt: skip
QUALITY = Criterion("quality", "Code quality", CriterionKind.CHECKLIST, points=Decimal(10),
                    items=(ChecklistItem("Dead code", Decimal(-2)), ChecklistItem("Bare except", Decimal(-3))))  # fmt: skip
REPORT = Criterion("report", "Report", CriterionKind.POINTS, points=Decimal(5))
RUBRIC = Rubric("r", "R", {}, (CORRECT, QUALITY, REPORT))


class PanelApp(RecordingApp):
    """The panel alone; every message it posts is kept (and every notification, as RecordingApp)."""

    def __init__(self, panel: RubricPanel, state: RubricState | None) -> None:
        super().__init__()
        self.panel, self.state, self.heard = panel, state, list[Message]()

    @property
    def said(self) -> list[str]:
        return [message for _, message in self.messages_shown]

    def compose(self) -> ComposeResult:
        yield self.panel

    def on_mount(self) -> None:
        self.panel.show(self.state)
        self.panel.focus()

    @on(RubricPanel.ChoiceMade)
    @on(RubricPanel.Confirmed)
    @on(RubricPanel.PointsAsked)
    @on(RubricPanel.OutputAsked)
    @on(RubricPanel.CriterionFocused)
    def heard_one(self, message: Message) -> None:
        self.heard.append(message)


async def test_each_key_posts_what_it_chose_on_the_focused_criterion() -> None:
    app = PanelApp(RubricPanel(), RubricState(RUBRIC))
    async with app.run_test() as pilot:
        await pilot.press("2")  # correctness: Bad, and the focus moves on to the checklist
        assert app.panel.state is not None and app.panel.state.focused is QUALITY
        await pilot.press("2", "enter")  # tick 2 (the focus stays), confirm the ticks: moves on
        assert app.panel.state.focused is REPORT
        await pilot.press("p", "enter", "o", "k", "0")  # points asked twice, output; none applies
        await pilot.pause()
        assert app.panel.state.focused is REPORT, "no item applies moves on"
    kinds = " ".join(type(m).__name__ for m in app.heard)
    assert kinds == (
        "ChoiceMade ChoiceMade Confirmed PointsAsked Confirmed OutputAsked CriterionFocused ChoiceMade"
    )
    level, ticked, confirmed, asked, typed = app.heard[:5]
    assert isinstance(level, RubricPanel.ChoiceMade) and level.chosen.criterion_id == "correctness"
    assert level.chosen.request.level == "Bad" and level.chosen.moves_on and level.shown
    assert level.focus_before == 0
    assert isinstance(ticked, RubricPanel.ChoiceMade) and ticked.chosen.request.items == ("Bare except",)
    assert not ticked.chosen.moves_on, "a tick stays: enter confirms the set"
    assert isinstance(confirmed, RubricPanel.Confirmed) and confirmed.criterion is QUALITY
    assert confirmed.moved_on and confirmed.focus_before == 1
    assert isinstance(asked, RubricPanel.PointsAsked) and asked.criterion is REPORT
    assert isinstance(typed, RubricPanel.Confirmed) and not typed.moved_on, "points are typed"
    none = app.heard[-1]
    assert isinstance(none, RubricPanel.ChoiceMade) and none.chosen.request.items == ()
    assert app.panel.state.choice("quality").items == ()


async def test_a_second_key_before_the_screen_heard_the_first_acts_on_the_next_criterion() -> None:
    app = PanelApp(RubricPanel(), RubricState(RUBRIC))
    async with app.run_test() as pilot:
        for _ in range(2):  # both queued before either is handled
            app.post_message(Key("1", "1"))
        await pilot.pause()
    chosen = [m.chosen for m in app.heard if isinstance(m, RubricPanel.ChoiceMade)]
    assert [(c.criterion_id, c.request.level, c.request.items) for c in chosen] == [
        ("correctness", "Good", None),
        ("quality", None, ("Dead code",)),
    ]


async def test_while_no_choice_is_taken_a_key_changes_nothing_and_still_tells_the_screen() -> None:
    panel = RubricPanel()
    panel.taking_choices = False
    app = PanelApp(panel, RubricState(RUBRIC))
    async with app.run_test() as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert panel.state is not None and panel.state.focused is CORRECT
        assert panel.state.choice("correctness").level is None
    (made,) = app.heard
    assert isinstance(made, RubricPanel.ChoiceMade) and not made.shown


async def test_a_key_that_chooses_nothing_says_why_and_posts_nothing() -> None:
    app = PanelApp(RubricPanel(), RubricState(RUBRIC))
    async with app.run_test() as pilot:
        await pilot.press("3", "0")  # correctness has two levels and is no checklist
        await pilot.pause()
        assert app.heard == []
        assert app.said == ["Correct results has 2 levels", "0 is for a checklist: no item applies"]


async def test_enter_on_a_checklist_with_no_tick_is_no_item_applies() -> None:
    state = RubricState(RUBRIC)
    state.focus_on("quality")
    app = PanelApp(RubricPanel(), state)
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await pilot.pause()
    (made,) = app.heard
    assert isinstance(made, RubricPanel.ChoiceMade) and made.chosen.request.items == ()


async def test_without_a_submission_the_keys_are_off_and_not_listed() -> None:
    app = PanelApp(RubricPanel(), None)
    async with app.run_test() as pilot:
        await pilot.press("1", "j", "enter", "p")
        await pilot.pause()
        assert app.heard == []
        assert "1" not in app.screen.active_bindings and "j" not in app.screen.active_bindings
        app.panel.show(RubricState(RUBRIC))
        app.screen.refresh_bindings()
        await pilot.pause()
        listed = app.screen.active_bindings
        assert listed["1"].binding.id == "grading.choose_1" and listed["1"].node is app.panel


async def test_the_keys_are_remapped_by_their_ids_on_each_screens_panel() -> None:
    app = PanelApp(RubricPanel(), RubricState(RUBRIC))
    async with app.run_test() as pilot:
        app.set_keymap({"grading.choose_1": "x", "grading.next_criterion": "J"})
        await pilot.press("1", "x", "J")
        await pilot.pause()
    assert [type(m).__name__ for m in app.heard] == ["ChoiceMade", "CriterionFocused"]
    first = app.heard[0]
    assert isinstance(first, RubricPanel.ChoiceMade) and first.chosen.request.level == "Good"

    marking = PanelApp(SecondMarkPanel(), SecondMarkState(RUBRIC))
    async with marking.run_test() as pilot:
        marking.set_keymap({"second-marking.choose_2": "y", "grading.choose_1": "x"})
        await pilot.press("x", "y")
        await pilot.pause()
        ids = {b.binding.id for b in marking.screen.active_bindings.values()}
    assert "second-marking.choose_2" in ids and not any(i and i.startswith("grading.") for i in ids)
    (second,) = marking.heard
    assert isinstance(second, RubricPanel.ChoiceMade) and second.chosen.request.level == "Bad"
