from __future__ import annotations

from ltxstudio.core.prompt_lint import Level, blocking, lint, sentences

GOOD = (
    "A lighthouse stands on a rocky cliff at dusk. Its beam begins to sweep across the fog. "
    "Waves crash below as gulls circle the tower. The camera slowly dollies in toward the lamp "
    "room. We hear the low hum of the foghorn and the wind."
)


def codes(items: list) -> set[str]:  # type: ignore[type-arg]
    return {i.code for i in items}


def test_a_guide_following_prompt_is_all_ticks() -> None:
    items = lint(GOOD)
    assert {i.level for i in items} == {Level.OK}
    assert codes(items) == {"length", "camera", "audio", "action"}


def test_each_problem_has_its_sentence() -> None:
    assert codes(blocking(lint("   \n"))) == {"empty"}
    long = lint("word. " * 1000)
    assert "too-long" in codes(blocking(long))
    assert "cut 1,000" in next(i.message for i in long if i.code == "too-long")
    short = lint("A cat.")
    assert "too-short" in codes(short)
    assert "no-camera" in codes(short)
    assert "no-audio" in codes(short)
    assert "no-audio" not in codes(lint("A cat.", audio=False))
    assert "no-camera" not in codes(lint("A cat.", camera_motion="dolly_in"))
    assert "negative" in codes(lint(GOOD + " There are no people and no boats."))
    many = " ".join(f"The camera sees wave {i} as the wind blows." for i in range(10))
    assert "many-sentences" in codes(lint(many))


def test_sentences_handle_unicode_and_rtl() -> None:
    assert len(sentences("שלום עולם. מה שלומך? 🌊 The end…")) == 3
    assert not blocking(lint("🎬 " * 10 + " ".join(["word"] * 20)))
