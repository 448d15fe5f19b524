"""The garble family: detectors, language gating, scores and the pack's own examples.

All texts are written for these tests, imitating the damage of spun articles.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber.engine import Engine
from scrubber.kinds import garble
from scrubber.kinds.language import detect_document_language, english_ratio
from scrubber.packs import builtin_pack_dir, check_examples, load_pack
from scrubber.scoring import document_score, document_score_from, sentence_score


@pytest.fixture(scope="module")
def pack():
    return load_pack(builtin_pack_dir() / "garble.toml")


@pytest.fixture(scope="module")
def engine(pack) -> Engine:
    return Engine(pack.rules)


def flags(engine: Engine, text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.snippet(text)) for f in engine.find(text) if f.is_flag]


def test_pack_examples(pack) -> None:
    assert list(check_examples(pack.rules)) == []


SPUN = (
    "Harbour talks resume in the spring\n\n"
    "The port authority said Monday that talks with the union would resume in March.\n\n"
    '"We want a deal and we are working to get one," said Ms. Alvarez, who added that no date was set. '
    '"It is a fine\n\n'
    "Officials expect a vote soon. . Union leaders privately said it was unlikely before summer.\n\n"
    'The mayor praised "a long friendship between the port and the city." which share a history.\n\n'
    "The union said it was waiting for the authority to make an offer. to the workers.\n\n"
    '"The door is open, and that is what we expect. "\n\n'
    "The talks had been holding firm. measures to cut costs were dropped.\n\n"
    "Karen Holt contributed to this report."
)

HUMAN = (
    "Port and union agree to resume talks\n"
    "The port authority and the dockworkers' union will resume talks in March, the authority said on Monday.\n"
    "\u201cWe want a fair deal for everyone,\u201d said Ms. Alvarez, the authority's chief. \u201cWe are not there yet.\n"
    "\u201cBut we are closer than we were in January.\u201d\n"
    "The U.S. Department of Labor sent a mediator, J. R. Cole, who arrived at 9 a.m. on Friday.\n"
    "Shipping volumes fell 3.5 percent last year (the first fall since 2009), according to the authority.\n"
    "Union members had had enough of short-term contracts, organizers said."
)


def test_spun_article_is_flagged_at_its_broken_spots(engine: Engine) -> None:
    found = flags(engine, SPUN)
    snippets = " | ".join(s for _, s in found)
    for spot in ('"It is a fine', "soon. .", 'city." which', "offer. to the workers", 'expect. "', "firm. measures"):
        assert spot in snippets, spot
    assert len(found) >= 6


def test_human_article_is_left_alone(engine: Engine) -> None:
    assert flags(engine, HUMAN) == []


def test_document_score_separates_spun_from_human(engine: Engine) -> None:
    spun = document_score(SPUN, engine.find(SPUN))
    human = document_score(HUMAN, engine.find(HUMAN))
    assert human == 0.0
    assert spun > 0.8


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("The minister left early. . Aides stayed behind.", "garble.orphan-punctuation"),
        ("Crowds gathered , , and waited.", "garble.orphan-punctuation"),
        ("The envoy brought a gift. to the king.", "garble.lowercase-start"),
        ('They spoke of "peace between two nations." which share a border.', "garble.after-closing-quote"),
        ("Prices of rice rice rose.", "garble.repeated-words"),
        ("The judge, the judge, ruled on Monday.", "garble.repeated-words"),
        ("The vote , held on Monday , was close .", "garble.tokenized"),
        ("He was not? the first to leave.", "garble.stray-punctuation"),
        ("They built a- bridge across the river.", "garble.stray-punctuation"),
        ("The council in: which the vote was held met late.", "garble.stray-punctuation"),
        ("Crews were told to be: ready by dawn.", "garble.stray-punctuation"),
        ("The island is home- to rare birds.", "garble.stray-punctuation"),
        ("Talks ended, said the envoy,- who left early.", "garble.stray-punctuation"),
        ("The port workers; could strike on Monday.", "garble.stray-punctuation"),
        ("Freight rose by more than, 3 percent.", "garble.stray-punctuation"),
        ("Talks resumed on, April 2 in the capital.", "garble.stray-punctuation"),
        ("The bridge is about 2, km long.", "garble.stray-punctuation"),
        ("They finished third and fourth: respectively.", "garble.stray-punctuation"),
        ("Crews were unable; to reach the pier.", "garble.stray-punctuation"),
        ("The road was blocked by, a fallen tree.", "garble.stray-punctuation"),
        ("The region's, most popular beach closed.", "garble.stray-punctuation"),
        ("This harbour, will reopen next week.", "garble.stray-punctuation"),
        ("The first; ship arrived at noon.", "garble.stray-punctuation"),
        ("The Governor. of the province resigned.", "garble.stray-punctuation"),
        ("Younger workers' will get a raise.", "garble.stray-punctuation"),
        ("Fares rose from' 2012 onwards.", "garble.stray-punctuation"),
        ("The union leader; said the strike was over.", "garble.stray-punctuation"),
        ("The price of 稻米 rose sharply this week.", "garble.code-mix"),
        ("Farmers the of valley planted wheat.", "garble.word-order"),
        ("Rain ruined the harvest in the villages a.", "garble.word-order"),
        ("Crews the during storm cleared roads.", "garble.word-order"),
        ("Many the farmers sold early.", "garble.word-order"),
        ("The mayor gave a interview on Monday.", "garble.word-order"),
        ("The crew repaired an broken pump.", "garble.word-order"),
        ("Repairs could from Monday begin.", "garble.word-order"),
        ("The talks have been will resume.", "garble.word-order"),
        ("The road closed early because.", "garble.word-order"),
        ("Been the harbour has closed for repairs.", "garble.word-order"),
        ("The rates were higher than and the loans.", "garble.word-order"),
        ("Fishing boats the harbour left as.", "garble.word-order"),
        ("The club named a new Präsident after the vote.", "garble.code-mix-latin"),
        ("The road would be ready next semana for traffic.", "garble.code-mix-latin"),
        ("Ferries and d’autres boats stayed in port.", "garble.code-mix-latin"),
        ("Older than similar mass-produced předměty.", "garble.code-mix-latin"),
        ("Soldiers и the police guarded the bridge.", "garble.code-mix"),
        ("The plan (approved in May was dropped.", "garble.unbalanced-quotes"),
        ('The minister called it a "historic day.', "garble.unbalanced-quotes"),
    ],
)
def test_detectors(engine: Engine, text: str, rule: str) -> None:
    found = engine.find(text)
    assert found, text
    assert rule in {d["rule"] for f in found for d in json.loads(f.detail)}


@pytest.mark.parametrize(
    "text",
    [
        "The mayor paused. . . Then she went on with the speech.",
        "Bring tools, ropes etc. and a lamp.",
        "She had had enough, and he said that that was that.",
        '"Why?" she asked. "Because," he said.',
        "The players' union met at 9 a.m. on Friday in the U.S. capital.",
        "Pre- and post-war housing was surveyed by Bill de Blasio's office.",
        "The premier (李强) toured the port.",
        'Specs include a 34" screen and two USB-A ports.',
        "The dose was 5 μg per day.",
        "Half the town and all the farmers came, as they had for years.",
        "Sales rose in Calif. and in Texas, the Assoc. of Growers said.",
        "Friends stood by, the way friends do, and the 'rebels' were pushed back.",
        "The goal: to reopen the port by May, and traffic rose 5, 10 and then 20 percent.",
        "Each of them, it seems, had a plan; the first was dropped.",
        "Ambassador Lee said the talks went well.\n\u201cWe will meet again.\n\u201cAnd we will sign.\u201d",
        "iPhone sales rose. eBay shares fell.",
        "It was a one-off, an honest error and a useful lesson in a European city.",
        "They did all they could to help, and what the town has is enough.",
        "Workers thought of for the plan, and stopped by to help.",
        "Coach Kowalski praised Schmidt, and the fans sang in the rain.",
        "Fares rose in the mid- to late 2010s, and short- and long-term loans grew.",
        "It has been a long year. More boats came than were expected, and rates were as high as before.",
        "The answer is: nobody knows. Under the plan the rate would be: 10 percent.",
    ],
)
def test_clean_text_is_not_flagged(engine: Engine, text: str) -> None:
    assert flags(engine, text) == []


def test_every_reason_is_kept_on_one_flag_per_sentence(engine: Engine) -> None:
    text = 'The door is open. measures follow, and that is what we expect. "'
    (finding,) = engine.find(text)
    rules = {d["rule"] for d in json.loads(finding.detail)}
    assert rules == {"garble.lowercase-start", "garble.space-before-quote", "garble.unbalanced-quotes"}
    assert finding.confidence == pytest.approx(sentence_score([0.85, 0.75, 0.6]), abs=1e-4)
    assert finding.replacement is None and (finding.start, finding.end) == (0, len(text))


def test_one_sentence_documents(engine: Engine) -> None:
    # a document-level detector (cut-off) never fires on a single sentence
    assert flags(engine, "The mayor said the works were nearly done") == []
    # paragraph-level balance does: the sentence is the paragraph
    assert flags(engine, 'The mayor said "the works are nearly done.') != []


def test_other_languages_switch_english_detectors_off(engine: Engine) -> None:
    french = (
        "Le maire a annoncé lundi : le port rouvre ; les syndicats sont satisfaits ! "
        "Les négociations reprendront en mars avec la direction du port et les dockers."
    )
    assert detect_document_language(french) == "fr"
    assert flags(engine, french) == []


def test_foreign_sentence_in_english_document(engine: Engine) -> None:
    text = (
        "The summit ended on Friday after two days of talks in the capital. "
        "Die Minister unterzeichneten das Abkommen nach langen Verhandlungen in der Hauptstadt. "
        "The next meeting is planned for May."
    )
    assert ("garble.foreign-sentence", "Die Minister unterzeichneten das Abkommen nach langen Verhandlungen in der Hauptstadt.") in flags(
        engine, text
    )


def test_english_fast_path() -> None:
    ratio, n = english_ratio("The council met on Monday and it voted for the plan.")
    assert n == 11 and ratio > 0.4
    assert detect_document_language("The council met on Monday and it voted for the plan.") == "en"
    assert detect_document_language("42") == "en"


@pytest.mark.parametrize(
    ("scores", "n", "low", "high"),
    [
        ([], 10, 0.0, 0.0),
        ([0.9], 1, 0.5, 0.7),
        ([0.75], 40, 0.1, 0.3),
        ([0.9] * 8, 40, 0.85, 1.0),
    ],
)
def test_document_score_shape(scores: list[float], n: int, low: float, high: float) -> None:
    assert low <= document_score_from(scores, n) <= high


def test_sentence_score_combines_independent_signals() -> None:
    assert sentence_score([]) == 0.0
    assert sentence_score([0.8]) == pytest.approx(0.8)
    assert sentence_score([0.5, 0.5]) == pytest.approx(0.75)


def test_sentences_with_mojibake_are_left_to_the_unicode_rules():
    from scrubber import default_engine

    engine = default_engine(select=["garble"])
    text = "The cityâ€™s harbour master said the sea wall held. Crews worked through the night to finish it.\n"
    assert engine.find(text) == []
    assert engine.find(text.replace("cityâ€™s", "city’s")) == []
    garbled = "The harbour master said it held. . Crews worked through the night to finish the wall.\n"
    assert engine.find(garbled)
    assert engine.find(garbled.replace("harbour", "cityâ€™s")) == []


def test_a_document_score_only_when_garble_rules_run():
    from scrubber import default_engine
    from scrubber.runner import analyze

    text = "The minister spoke on Monday. . Officials said more.\n"
    assert analyze(default_engine(select=["residue"]), None, text).score is None
    assert analyze(default_engine(select=["garble"]), None, text).score > 0


_REPEAT_TEXT = st.lists(
    st.sampled_from(
        [
            "the",
            "The",
            "court",
            "COURT",
            "go",
            "on",
            "food",
            "it's",
            "it’s",
            "to-do",
            "Été",
            "été",
            "a1",
            " ",
            "  ",
            "\t",
            ",",
            ", ",
            "\n",
            "-",
            "'",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400)
@given(_REPEAT_TEXT)
def test_repeat_patterns_find_the_same_matches_without_possessive_quantifiers(text):
    """Python 3.10's re has no possessive quantifiers: the patterns it compiles instead must find the same matches."""
    import re

    for pattern in (garble._REPEAT_WORD, garble._REPEAT_PHRASE):
        plain = re.compile(pattern.pattern.replace("*+", "*").replace("++", "+"), pattern.flags)
        assert [(*m.groups(), m.span()) for m in plain.finditer(text)] == [(*m.groups(), m.span()) for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        # the rest of a sentence that starts in lower case, wrapped onto the next lines, is flagged with it:
        # dropping the first line alone would make the next one start the document in lower case
        ("the council met on Tuesday\nand voted\nto close.\nThe mayor spoke.", ["the council met on Tuesday", "and voted", "to close."]),
        ("The mayor spoke.\nthe council met on Tuesday\nand voted.\nThe end.", ["the council met on Tuesday", "and voted."]),
        # an unfinished line above a lower-case line that nobody flagged: a wrapped line, as before
        ("Intro here\nthe council met on Tuesday\nand voted.", []),
    ],
)
def test_lowercase_start_flags_the_wrapped_rest_of_its_sentence(text: str, flagged: list[str]) -> None:
    from scrubber import default_engine

    engine = default_engine(select=["garble.lowercase-start"])
    assert [text[f.start : f.end] for f in engine.find(text)] == flagged
