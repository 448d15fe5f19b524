"""The residue pack: its examples, position rules, headline blocks and idempotent fixing."""

from __future__ import annotations

import pytest

from scrubber import clean, default_engine
from scrubber.kinds.lines import is_headline
from scrubber.packs import builtin_pack_dir, check_examples, load_pack

PACK = load_pack(builtin_pack_dir() / "residue.toml")
ENGINE = default_engine(select=["residue"])

ARTICLE = (
    "The council approved the budget on Tuesday after a long debate.\n\n"
    "Members said the plan would share costs between the towns, and that the smaller villages "
    "would pay less for the new bus routes than they do for the old ones.\n\n"
    "The mayor called it a fair deal. Two members voted against it, saying the towns had not been "
    "asked about the routes before the plan was drawn up and that the costs were still unclear.\n\n"
    "The vote was seven to two.\n"
)
#: a short item under its headline, with a toolbar line between them
HEADLINE = "Council backs the bus plan\n\n"


def fix(text: str) -> str:
    return clean(text, ENGINE)


@pytest.mark.parametrize("spec", PACK.rules, ids=lambda s: s.id)
def test_rule_examples(spec):
    assert list(check_examples([spec])) == []


def test_every_rule_documents_itself():
    for spec in PACK.rules:
        assert spec.description and spec.rationale, spec.id
        assert spec.examples_match and spec.examples_no_match, spec.id


@pytest.mark.parametrize(
    ("tail", "rule"),
    [
        ("Post a Comment", "residue.post-a-comment"),
        ("[ad_2]Source link", "residue.source-link"),
        ("Share this:\nClick to share on Twitter (Opens in new window)\nLike this:\nLike Loading...", "residue.share-widget"),
        ("Related Posts:\nTown opens its first library\nWhy the bridge is late", "residue.link-box"),
        ("Comments\nGreat piece, thanks.\nI disagree with the council.", "residue.comment-thread"),
        ("Tags\ncouncil, budget, buses", "residue.end-terminator"),
    ],
)
def test_closing_residue_is_removed_and_nothing_else(tail, rule):
    text = ARTICLE + "\n" + tail
    findings = ENGINE.find(text)
    assert {f.rule for f in findings} == {rule}
    assert fix(text) == ARTICLE  # with the blank line above the residue


@pytest.mark.parametrize("toolbar", ["Share this:", "Comments", "3 Comments", "Tags:", "Leave a reply", "Related Posts:"])
def test_a_terminator_under_the_headline_takes_only_its_own_line(toolbar):
    """Under a headline the lines after a terminator heading are the article itself, not a thread."""
    text = HEADLINE + toolbar + "\n\n" + ARTICLE
    assert ARTICLE in fix(text)
    assert "residue.end-terminator" not in {f.rule for f in ENGINE.find(text)}


def test_a_terminator_removes_no_more_than_the_article_above_it():
    thread = "".join(
        f"Reader {n} wrote that the new routes were a mistake and that the buses would run empty all winter.\n" for n in range(20)
    )
    short_thread = thread[: len(thread) // 6]
    assert len(short_thread) < len(ARTICLE) < len(thread)
    assert fix(ARTICLE + "Comments\n" + short_thread) == ARTICLE
    longer = ARTICLE + "Comments\n" + thread
    assert thread in fix(longer)  # only the heading goes, by its own rule
    assert "residue.end-terminator" not in {f.rule for f in ENGINE.find(longer)}


@pytest.mark.parametrize(
    "sentence",
    [
        "Readers were asked to share this story with friends and neighbours.",
        "Subscribe to the newsletter, the mayor urged residents at the meeting.",
        "The advertisement ran in three local papers last week.",
        "A source close to the council said the vote was planned.",
        "Post a comment on the council website to have your say, officials said.",
        "More than half of the residents supported the plan.",
    ],
)
def test_sentences_that_mention_residue_words_stay(sentence):
    for text in (f"{sentence}\n{ARTICLE}", f"{ARTICLE}{sentence}\n", f"{ARTICLE}{sentence}\n{ARTICLE}"):
        assert fix(text) == text


def test_end_only_rules_leave_the_middle_alone():
    # a terminator takes at most max_after lines with it; far from the end it is left alone
    text = f"{ARTICLE}Post a Comment\n{ARTICLE * 10}"
    assert fix(text) == text


def test_headline_block_in_the_middle_stops_at_the_first_sentence():
    text = "The mill closed.\n\nMore:\nTown mourns its mill\nOwners sue over tax\n\nWorkers were paid off on Friday.\n"
    assert fix(text) == "The mill closed.\n\nWorkers were paid off on Friday.\n"


def test_inline_markers_keep_the_sentence():
    assert fix("The vote was close.[ad_2] Officials said more later.") == "The vote was close. Officials said more later."
    assert fix("It ends here.[ad_2]Source link") == "It ends here."


@pytest.mark.parametrize(
    "text",
    [
        ARTICLE + "Comments\nGreat story.\n12 Comments\nLeave a Reply\n",
        "Advertisement\n\n" + ARTICLE + "\nTags: budget, council\n",
        "Sharing is caring!\n" + ARTICLE + "Read more: Town opens its library\n" + ARTICLE + "You may also like:\nA\nB\n",
        ARTICLE + "← Previous Story\nCity opens library\nNext Story →\nSnow closes schools\nanna@example.com\n",
    ],
)
def test_fixing_is_idempotent(text):
    once = fix(text)
    assert once != text
    assert fix(once) == once


def test_every_removal_is_a_finding_naming_its_rule():
    text = "Advertisement\n" + ARTICLE + "Leave a Reply\n"
    findings = ENGINE.find(text)
    assert sorted(f.rule for f in findings) == ["residue.advertisement", "residue.comment-prompt"]
    assert all(f.replacement == "" and f.message for f in findings)


def test_a_pattern_with_whitespace_never_joins_two_lines():
    # 'Share this' on one line and 'story' on the next must not match 'Share this story' as one line
    text = "The team will share this\nstory with readers next week, the editor said.\n"
    assert ENGINE.find(text) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Town mourns its last mill", True),
        ("Who will replace the coach?", True),
        ("Workers were paid off on Friday.", False),
        ("“It was a sad day,” she said.", False),
        ("x" * 200, False),
        ("", False),
    ],
)
def test_is_headline(line, expected):
    assert is_headline(line) is expected


def test_opt_in_rule_is_off_by_default():
    text = ARTICLE + "CITY COUNCIL NAMES INTERIM MAYOR AFTER SCANDAL\n" + ARTICLE
    assert fix(text) == text
    caps = default_engine(select=["residue.caps-headline"])
    assert [f.rule for f in caps.find(text)] == ["residue.caps-headline"]
