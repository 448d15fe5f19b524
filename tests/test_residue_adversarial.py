"""Article shapes that look like the newer residue rules' targets, run through the whole pack.

Each page is made up: a list article, a chart, closing tips, a table laid out
one cell per line, a closing sentence about the article's subject, a headline
that names a news agency. Nothing may be removed, and the neighbour-aware
options of the line kind (``skip_ranked``, ``skip_beside``) are checked on
their own.
"""

from __future__ import annotations

import pytest

from scrubber import clean, default_engine
from scrubber.kinds.lines import _split_lines, ranked_lines

ENGINE = default_engine(select=["residue"])

PAGES = {
    "list article, numbered headlines with a paragraph each": (
        "Seven Ways to Keep Warm This Winter\nThe cold is coming, and heating costs are up.\n"
        "1 Wear A Wool Hat Indoors\nA hat keeps in more heat than you think.\n"
        "2 Close The Curtains At Dusk\nCurtains trap a layer of air.\n3 Move Your Sofa Away From Windows\n"
    ),
    "closing tips": (
        "Walkers were rescued from the hill on Sunday.\nThe rescue team gave these tips:\n"
        "1 Check The Weather Before You Go\n2 Tell Someone Your Route\n3 Carry A Torch And A Whistle\n"
    ),
    "closing chart": (
        "The charts were led by a newcomer this week.\nThis week's top five:\n1 Anna Berg Northern Lights\n"
        "2 The Harbour Boys Salt And Stone\n3 Tom Reed Winter Roads\n4 Jane Doe Paper Moon\n5 The Quays Low Tide\n"
    ),
    "countdown": "Our critics chose the films of the year.\n5 The Long Road Home\n4 A Quiet Place In Winter\n3 The Ferryman\n2 Salt And Stone\n1 Northern Lights\n",
    "standings": "Harbour FC went top of the league on Saturday.\nStandings after round 9:\n1 Harbour FC 22\n2 Quay United 19\n3 Dockside Rovers 17\n",
    "table one cell per line": "Harbour FC went top on Saturday.\nTeam\nWon\nLost\nHarbour FC\n7\n-\nQuay United\n6\n1\n",
    "subject: today a writer": "She left the village at sixteen and never went back.\nToday Maria Lopez is a successful writer in Madrid.\n",
    "subject: author of novels": "The prize will be handed out in May.\nAnna Berg is the author of three novels about the harbour.\n",
    "subject: member of the union": "The union was founded in 1949.\nTom Reed is a member of the writers' union.\n",
    "subject: editor at the journal": "The study was published on Monday.\nJane Doe is a senior editor at the journal, which published the study.\n",
    "subject: former reporter": "He moved to the coast in 1990.\nTom Reed is a former reporter who now runs the ferry.\n",
    "report with categories": "The council published its plan on Monday.\nThe report, published by the council, lists three categories: housing, roads and parks.\n",
    "headline naming an agency": "Harbour Mayor Sues Associated Press\nThe mayor filed the suit on Monday.\nIt names three reporters.\n",
    "subheading naming an agency": "Ferry fares rise\nHarbour Mayor Attacks The Associated Press\nThe mayor spoke on Monday.\n",
    "headline ending in Reuters": "The mayor spoke on Monday.\nHarbour Council Backs Reuters\nThe vote is on Friday.\n",
    "quoted feedback request": 'Police appealed for witnesses.\n"Tell us what you think," the mayor told residents at the meeting.\n',
    "attributed appeal": "Police appealed for witnesses after the crash.\nDid you see the crash? We'd like to hear from you, a spokesperson said.\n",
    "how to watch, with the channel": "Harbour FC play Quay United on Saturday.\nHow to watch: BBC One, 3pm\n",
    "how to watch heading": "The final is on Sunday.\nHow to watch the final on TV and online\n",
    "filed under in prose": "The papers were filed under seal.\nFiled under protest, the motion went nowhere.\nThe court will rule on Monday.\n",
    "blog paragraphs that trail off": (
        "Here is the thing about ferries …\nThey leave when the tide says so.\nAnd the tide keeps its own timetable, which is …\n"
        "Not the one on the wall.\nSo the lesson for every passenger is this …\nBring a book, and maybe a second one...\n"
    ),
    "obituary with a full date": "Jane Doe, 87, of Portside, died at home in Portside, Maine, Sunday, Jan. 31, 2021.\nShe ran the ferry cafe for forty years.\n",
    "event notice with a full date": "The harbour board meets at 6 p.m., Tuesday, Feb. 2, 2021, in the Portside library.\nThe meeting is open to the public.\n",
    "dated report with a quote": 'Police said the boat sank in Portside, Monday, Feb. 1, 2021. "Nobody was hurt," a spokesperson said.\n',
    "German quotation marks": "»Wir fahren heute nicht«, sagte der Kapitän.\n»Der Sturm ist zu stark.«\nDie Fähre blieb im Hafen.\n",
    "menu path in a how-to": "To turn off tracking:\nOpen Settings › Privacy › Location\nThen choose Never.\n",
    "report on a site's terms": "The ferry company changed its privacy policy and terms of use on Monday.\nUse of the site now requires an account, it said.\n",
    "click a link, not a picture": "The timetable is online.\nClique no link para ver o horário completo.\nClick here to read the full timetable, the operator wrote.\n",
}


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_article_shapes_like_residue_stay(page: str):
    assert ENGINE.find(page) == [], [page[f.start : f.end] for f in ENGINE.find(page)]


@pytest.mark.parametrize(
    ("text", "ranked"),
    [
        ("intro\n1 A\n2 B\n3 C\n", {1, 2, 3}),
        ("intro\n3 C\n2 B\n1 A\n", {1, 2, 3}),
        ("1. First\npara\n2) Second\npara\n", {0, 2}),
        ("27 Oddest Cases\n10 Strangest Cases\n11 Weird Things\n", set()),  # links: unrelated numbers
        ("1 A\n3 B\n5 C\n", set()),
        ("- 7 Birds\n- 8 Bees\n- 9 Bats\n", {0, 1, 2}),
        ("4 A\n5 B\n", set()),  # two in a row without 1: could be two links
        ("1 A\n2 B\n4 C\n", {0, 1}),
    ],
)
def test_ranked_lines(text: str, ranked: set[int]):
    assert ranked_lines(text, _split_lines(text)) == ranked


def test_links_to_list_articles_still_go():
    page = "The lake froze early this year.\n27 Oddest Lake Finds\n10 Strangest Fish in Lakes\n11 Weird Things Found in Ice\n"
    assert clean(page, ENGINE) == "The lake froze early this year.\n"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("Teaser one\nMore text here.\n-\nTeaser two\n", "Teaser one\nMore text here.\nTeaser two\n"),
        ("Harbour FC\n7\n-\nQuay United\n", "Harbour FC\n7\n-\nQuay United\n"),
        ("Quay United\n-\n6\n", "Quay United\n-\n6\n"),
        # the neighbour is the nearest line no rule matched: residue between does not count
        ("Harbour FC\n7\nAdvertisement\n-\nQuay United\n", "Harbour FC\n7\n-\nQuay United\n"),
    ],
)
def test_a_lone_dash_beside_a_number_is_a_table_cell(page: str, expected: str):
    assert clean(page, ENGINE) == expected
    assert clean(expected, ENGINE) == expected
