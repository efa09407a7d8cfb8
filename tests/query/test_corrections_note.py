"""The published note in a draft correction reads once, even when the flag's reason is itself a note."""

from __future__ import annotations

from ontherecord.query.corrections import _note


class _Source:
    name = "Pavel Kulazhanka"


def test_reason_that_is_already_a_published_note_is_not_repeated() -> None:
    reason = (
        "An earlier version of this article contained information provided by Pavel Kulazhanka. "
        "The information is now believed suspicious. The article has been corrected."
    )
    note = _note(_Source(), "Kulazhanka", reason, {"quoted": 2}, "discredited")  # type: ignore[arg-type]
    assert note.count("An earlier version") == 1
    assert note.count("has been corrected") == 1
    assert note.endswith("to remove 2 passages that relied on Kulazhanka's account.")


def test_plain_reason_gets_the_newsroom_lead() -> None:
    note = _note(_Source(), "Kulazhanka", "He misstated his record.", {"quoted": 1}, "discredited")  # type: ignore[arg-type]
    assert note.startswith("An earlier version of this article contained information provided by Pavel Kulazhanka.")
