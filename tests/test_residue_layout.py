"""Page-layout residue: headers, captions, link headlines and buttons around a body.

Each case is a made-up page: the residue lines must go and the article must
stay word for word, including sentences that use the same words as the rules.
"""

from __future__ import annotations

import pytest

from scrubber import clean, default_engine

ENGINE = default_engine(select=["residue"])

BODY = (
    "The harbour board voted on Tuesday to raise ferry fares by a fifth.\n"
    "By Friday, the operator said, the new timetable would be posted online.\n"
    "A photo of the old quay (taken in 1950) hangs in the waiting room.\n"
    "Updated figures from Feb. 3, 2021 show more passengers than last year.\n"
)


def fix(text: str) -> str:
    return clean(text, ENGINE)


@pytest.mark.parametrize(
    ("page", "rules"),
    [
        ("By Jane Doe and Tom Reed\nFeb. 3, 2021 7:15 AM EST\n" + BODY, {"residue.byline", "residue.timestamp"}),
        ("3 Feb 2021\n" + BODY + "February 3rd, 2021\n", {"residue.date-line"}),
        (
            BODY + "Ferry workers plan a second strike [VIDEO]\nQUAYSIDE TRADERS SAY THE NEW FARES WILL DRIVE AWAY VISITORS\n",
            {"residue.tagged-link", "residue.caps-link"},
        ),
        (BODY + "The old quay at low tide in winter. (Photo: Ann Lee)\n", {"residue.caption-credit"}),
        (BODY + "Back to Gallery\nClose\nWhatsApp Facebook Pint\n", {"residue.ui-label"}),
        (BODY + "Get Harbour Weekly delivered to your door. 12 issues for £20.\n", {"residue.promo-cta"}),
        (BODY + "Follow our full coverage of the fares at https://example.com/fares\n", {"residue.follow-coverage"}),
        (BODY + "Buyer's Guide: Ferry passes (Buy Now)\n", {"residue.buy-button"}),
    ],
)
def test_layout_residue_goes_and_the_body_stays(page, rules):
    assert {f.rule for f in ENGINE.find(page)} == rules
    assert fix(page) == BODY


def test_the_body_alone_is_untouched():
    assert ENGINE.find(BODY) == []


@pytest.mark.parametrize(
    "line",
    [
        "WHAT THE BOARD DOES NEXT",  # a short heading in capitals
        "WILL ANYONE ON THE BOARD STAND UP FOR THE PASSENGERS NOW?",  # a question
        "February 3, 2021",  # a timeline date between paragraphs
        "Close to 200 passengers waited on the quay.",
    ],
)
def test_mid_article_lines_that_look_like_residue_stay(line):
    page = BODY + line + "\n" + BODY
    assert fix(page) == page


def test_fixing_layout_residue_twice_changes_nothing_more():
    page = "By Jane Doe\nUpdated: 3 Feb 2021 7:15 pm\n" + BODY + "Close\n3 Feb 2021\nFerry workers plan a second strike [VIDEO]\n"
    once = fix(page)
    assert once == BODY
    assert fix(once) == once
