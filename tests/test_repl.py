"""The chat REPL as people use it: a real `qa chat` in a pseudo-terminal, pipes, and what an answer looks like."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys

import pexpect
import pytest
from conftest import ROOT, SEEDS, run_json, run_qa
from rich.cells import cell_len
from rich.console import Console

from qa.render import show_answer
from qa.repl import COMMANDS
from qa.search import Searcher

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>])")
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;)[0-9;]*m")  # SGR codes that set a foreground colour
PROMPT = "qa>"


def plain(text: str) -> str:
    return ANSI.sub("", text).replace("\r", "")


class Terminal:
    """`qa chat` in a pseudo-terminal, typed at like a person would."""

    def __init__(self, index, columns: int = 100, **env):
        environment = {
            **os.environ,
            "TERM": "xterm-256color",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "HF_HUB_OFFLINE": "1",
            **env,
        }
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "qa", "--index", str(index), "chat"],
            cwd=str(ROOT),
            env=environment,
            dimensions=(50, columns),
            encoding="utf-8",
            timeout=120,
        )
        self.child.expect_exact(PROMPT)

    def enter(self, line: str, until: str) -> str:
        """Type line and Enter, wait for the pattern until and the next prompt; return what was shown, as text."""
        self.child.sendline(line)
        self.child.expect(until)
        seen = self.child.before + self.child.after
        self.child.expect_exact(PROMPT)
        return plain(seen + self.child.before)

    def leave(self) -> int:
        self.child.sendcontrol("d")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture()
def chat_index(seed_index, tmp_path):
    """A private copy of the seed index, so that history written by one test is its own."""
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    return index


def test_history_persists_across_runs_and_is_searchable(chat_index):
    first = Terminal(chat_index)
    first.enter("Who is Donatella Rovera?", r"\[1\]")
    first.enter("How many civilians did the coalition kill in Raqqa?", r"\[1\]")
    assert first.leave() == 0

    second = Terminal(chat_index)
    second.child.send("\x1b[A")  # Up: the last question comes back
    second.child.expect("How many civilians did the coalition kill in Raqqa\\?")
    second.child.sendcontrol("u")
    second.child.sendcontrol("r")  # reverse search through the history
    second.child.send("Rovera")
    second.child.expect("Who is Donatella")
    second.child.sendcontrol("c")  # abandons the search and the line, not the chat
    second.child.expect_exact(PROMPT)
    assert second.leave() == 0


def test_ctrl_c_abandons_the_line_and_empty_lines_do_nothing(chat_index):
    terminal = Terminal(chat_index)
    terminal.child.send("half a question")
    terminal.child.sendcontrol("c")
    terminal.child.expect_exact(PROMPT)
    terminal.child.sendline("")
    terminal.child.expect_exact(PROMPT)
    seen = terminal.enter(":k 1", "showing 1 passage")
    assert "half a question" not in seen.split(":k 1")[-1]
    terminal.child.sendline(":quit")
    terminal.child.expect(pexpect.EOF)
    terminal.child.close()
    assert terminal.child.exitstatus == 0


def test_commands(chat_index):
    terminal = Terminal(chat_index)
    help_text = terminal.enter(":help", "Anything else is a question")
    for name, command in COMMANDS.items():  # each usage apart from its summary, however long
        usage = f"{name} {command.argument}".strip()
        assert re.search(re.escape(usage) + " +" + re.escape(command.summary.split()[0]), help_text)

    assert "unknown command :bogus: :help lists the commands" in terminal.enter(":bogus", "lists the commands")
    assert ":k takes a number" in terminal.enter(":k lots", "now 5")
    terminal.enter(":k 2", "showing 2 passages")
    terminal.enter(":mode lexical", "ranking with lexical")
    answer = terminal.enter("Who is Donatella Rovera?", r"\[2\][^\r\n]*")
    assert "[3]" not in answer

    opened = terminal.enter(":open 1", "▶ lines")
    marked = opened.split("▶ lines")[1]
    assert "Donatella Rovera" in " ".join(marked.split("\n\n")[0].split())

    sources = terminal.enter(":sources", "5 articles")
    sputnik = next(
        a for a in run_json("info", "--json", index=chat_index)["article_list"] if "Sputnik" in a.get("outlet", "")
    )
    assert (
        "Sputnik International" in sources and f"004_7d1420245ddc1626.txt · {sputnik['passages']} passages" in sources
    )

    terminal.child.send(":rei\t")  # Tab completes a command name
    terminal.child.expect("ndex")  # what the completion adds; a busy machine may draw ":rei" and "ndex" apart
    terminal.child.sendline("")
    terminal.child.expect("0 added, 0 updated, 0 removed, 5 unchanged")
    terminal.child.expect_exact(PROMPT)

    terminal.enter(":json", "JSON output on")
    terminal.child.sendline("Who is Donatella Rovera?")
    terminal.child.expect(r"\{\"question\".*\}\r\n")
    answer = json.loads(plain(terminal.child.after).strip())
    assert answer["question"] == "Who is Donatella Rovera?" and len(answer["results"]) == 2
    terminal.child.expect_exact(PROMPT)
    assert terminal.leave() == 0


def test_help_clear_quit_and_exit_typed_alone_are_commands(chat_index):
    terminal = Terminal(chat_index)
    assert ":sources" in terminal.enter("Help", "Anything else is a question")
    terminal.child.sendline("clear")
    terminal.child.expect_exact("\x1b[2J")  # the screen cleared: no question asked
    terminal.child.expect_exact(PROMPT)
    terminal.child.sendline("exit")
    terminal.child.expect(pexpect.EOF)
    terminal.child.close()
    assert terminal.child.exitstatus == 0
    done = run_qa("chat", index=chat_index, input="quit\nWho is Donatella Rovera?\n")
    assert "Donatella" not in done.stdout.replace("» Who is Donatella Rovera?", "")


FOLLOW_UPS = [
    # (question, follow-up, what the follow-up's best passage must say)
    ("Who is Donatella Rovera?", "what did she say?", "air bombardments were inaccurate"),
    ("How many civilians did the coalition kill in Raqqa?", "and how many did the coalition admit?", "admitted"),
    ("What did the Syrian Observatory for Human Rights say about the airstrike?", "who runs it?", "Rami Abdelrahman"),
    # asking nothing of its own, it asks what the question before asked: a count, answered above the passages
    ("How many civilians did the coalition kill in Raqqa?", "and according to Amnesty?", "▸ Hundreds"),
]


@pytest.mark.parametrize(("question", "follow_up", "expected"), FOLLOW_UPS, ids=["she", "and", "it", "asks nothing"])
def test_a_follow_up_is_answered_in_the_context_of_the_previous_question(chat_index, question, follow_up, expected):
    terminal = Terminal(chat_index)
    terminal.enter(":k 1", "showing 1 passage")
    terminal.enter(question, r"\[1\]")
    seen = terminal.enter(follow_up, r"\[1\]")
    searched = re.search(r"\(searched: (.*)\)", seen)
    assert searched and follow_up.split(maxsplit=1)[-1] in searched.group(1)  # its own words, past "and"
    assert expected in " ".join(seen.split())
    assert terminal.leave() == 0


def test_a_passage_near_a_question_nothing_answers_opens_too(seed_index):
    done = run_qa("chat", index=seed_index, input="What is the capital of Peru?\n:open 1\n")
    assert "answers this confidently" in done.stdout and "▶ lines" in done.stdout


def test_after_new_a_follow_up_is_read_on_its_own(seed_index):
    lines = "Who is Donatella Rovera?\n:new\nwhat did she say?\n"
    done = run_qa("chat", index=seed_index, input=lines)
    assert "the next question is read on its own" in done.stdout and "(searched:" not in done.stdout


def test_a_question_standing_alone_is_not_rewritten(chat_index):
    terminal = Terminal(chat_index)
    terminal.enter("Who is Donatella Rovera?", r"\[1\]")
    seen = terminal.enter("How many civilians did the coalition kill in Raqqa?", r"\[1\]")
    assert "searched:" not in seen
    assert terminal.leave() == 0


def test_no_color_keeps_colour_codes_off_the_terminal(chat_index):
    terminal = Terminal(chat_index, NO_COLOR="1")
    terminal.child.sendline("Who is Donatella Rovera?")
    terminal.child.expect(r"\[1\][\s\S]*?\[5\]")
    assert not COLOUR.search(terminal.child.before + terminal.child.after)
    terminal.child.expect_exact(PROMPT)
    assert terminal.leave() == 0


def test_piped_input_has_no_prompt_no_escape_codes_and_no_trailing_spaces(seed_index):
    lines = ":k 1\nWho is Donatella Rovera?\nwhat did she say?\n:open 1\n:sources\n"
    done = run_qa("chat", index=seed_index, input=lines)
    assert "\x1b" not in done.stdout and PROMPT not in done.stdout
    assert "▶ lines" in done.stdout and "5 articles" in done.stdout
    assert not any(line.endswith(" ") for line in done.stdout.splitlines())
    assert "» what did she say?" in done.stdout
    assert "(searched: what did she say? Donatella Rovera)" in done.stdout


@pytest.fixture(scope="module")
def one_answer(seed_index):
    question = "Who said the coalition razed Raqqa but cannot erase the truth, according to Sputnik?"
    return Searcher.open(seed_index).ask(question, 3)


@pytest.mark.parametrize("columns", [60, 120])
def test_an_answer_reads_cleanly_at_60_and_120_columns(one_answer, columns):
    console = Console(width=columns, record=True, color_system=None, force_terminal=False)
    show_answer(console, one_answer)
    screen = console.export_text()
    assert all(len(line) <= columns and not line.endswith(" ") for line in screen.splitlines())
    screen = screen[screen.index("[1] ") :]  # the passages, under the answer block
    lines = screen.splitlines()
    first = one_answer.results[0]
    assert lines[0].startswith("[1] US-Led Coalition Killed Over 1,600 Civilians in Syria's")
    entry = screen.split("[2]")[0]
    # results hang under their number: every line of the entry but the first is indented
    assert all(line.startswith("    ") for line in entry.splitlines()[1:] if line.strip())
    assert " ".join(first.answer_text.split()) in " ".join(entry.split())
    # citations are never broken inside a path
    cited = f"seeds/004_7d1420245ddc1626.txt:{first.passage.first_line}-{first.passage.last_line}"
    assert any(cited in line for line in entry.splitlines())
    # the same quote in another article is listed under the first, not as a result of its own
    also_in = " ".join(entry.split()).split("also in: ")[1]
    assert also_in.startswith("US-led coalition ‘killed 1,600 civilians’ in Syria’s Raqqa — Al Jazeera")
    repeat = first.also_in[0].passage
    assert any(
        f"001_f2d3ef5ba37a2115.txt:{repeat.first_line}-{repeat.last_line}" in line for line in entry.splitlines()
    )
    assert "001_f2d3ef5ba37a2115.txt" not in screen.split("[2]", 1)[1]


def test_only_the_citation_is_coloured_and_only_the_answer_highlighted(one_answer):
    console = Console(width=100, record=True, color_system="standard", force_terminal=True)
    show_answer(console, one_answer)
    screen = console.export_text(styles=True)
    lines = screen[screen.index("[1]") :].splitlines()  # the passages, under the answer block
    cyan, yellow = "\x1b[36m", "\x1b[1;33m"

    def line_with(words: str) -> str:
        return next(line for line in lines if words in line)

    assert cyan in line_with("Sputnik International")  # the citation
    assert yellow in line_with("Chris Woods") and cyan not in line_with("Chris Woods")  # the answer
    body = line_with("investigation documented incidents")
    assert cyan not in body and yellow not in body


def test_filter_narrows_answers_to_matching_articles_until_switched_off(seed_index):
    question = "How many civilians did the coalition kill in Raqqa?"
    lines = [":k 3", ":filter source=sputnik", question, ":filter bogus=1", ":filter off", ":json", question]
    done = run_qa("chat", index=seed_index, input="\n".join(lines) + "\n")
    filtered = done.stdout.split(f"» {question}")[1].split("» :filter bogus=1")[0]
    filtered = filtered[filtered.index("[1]") :]  # the passages, under the answer block
    assert "filter: source=sputnik" in done.stdout
    assert filtered.count("004_7d1420245ddc1626.txt") == filtered.count("[") == 3  # every result from Sputnik
    assert ":filter takes source=TEXT since=DATE until=DATE, or off (unknown setting bogus)" in done.stdout
    assert "filter: none (every article)" in done.stdout
    unfiltered = json.loads(done.stdout.strip().splitlines()[-1])
    assert {r["article"] for r in unfiltered["results"]} - {"004_7d1420245ddc1626.txt"}


def test_a_count_of_one_takes_the_singular(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "short.txt").write_text("Storm closes harbour\n\nThe harbour at Dover closed as a storm passed.\n")
    index = tmp_path / "index"
    run_qa("index", str(articles), index=index)
    terminal = Terminal(index)
    assert "qa: 1 article, 1 passage. Ask a question" in plain(terminal.child.before)
    sources = terminal.enter(":sources", r"1 passage\b")
    assert "1 article\n" in sources and "short.txt · 1 passage\n" in sources
    assert terminal.leave() == 0
    assert "counts: ok, 1 article, 1 passage, 2 sentences" in run_qa("check", index=index).stdout


def test_a_filter_is_named_above_an_answer_and_when_nothing_answers_under_it(seed_index):
    question, unanswered = "Who is Donatella Rovera?", "Who won the 2017 World Series?"
    lines = [":k 1", ":filter source=sputnik", question, unanswered, ":filter off", question]
    done = run_qa("chat", index=seed_index, input="\n".join(lines) + "\n")
    filtered, unfiltered = done.stdout.split("» :filter off")
    assert filtered.count("(filter: source=sputnik)") == 2 and "(filter:" not in unfiltered
    limited = "Nothing in the articles the filter lets through (source=sputnik) answers this confidently."
    assert limited in " ".join(filtered.split(f"» {unanswered}")[1].split())
    for brief in ([], ["--brief"]):
        asked = run_qa("ask", *brief, "--source", "sputnik", unanswered, index=seed_index).stdout
        assert " ".join(asked.split()).startswith(limited) and "(filter:" not in asked
    assert "Nothing in the index answers" in run_qa("ask", "--brief", unanswered, index=seed_index).stdout


@pytest.fixture(scope="module")
def far_folder(tmp_path_factory):
    """The seed articles in a folder whose path (with spaces) is longer than a line, and their index."""
    folder = tmp_path_factory.mktemp("paths") / f"articles kept in a folder with a long name {'x' * 40}"
    shutil.copytree(SEEDS, folder)
    index = folder.parent / "index"
    run_qa("index", str(folder), index=index)
    return folder, index


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_a_path_longer_than_a_line_is_kept_whole_and_the_rest_wraps(far_folder, columns):
    folder, index = far_folder
    question = "How many civilians died in Raqqa?"
    shown = [
        run_qa(*args, index=index, input=input, columns=columns).stdout
        for args, input in [
            (["ask", question], None),
            (["ask", "--brief", question], None),
            (["chat"], f":k 2\n{question}\n:open 1\n:figures\n:sources\n"),
        ]
    ]
    for out in shown:
        lines = out.splitlines()
        assert sum(line.count(".txt") for line in lines) == sum(line.count(f"{folder}/") for line in lines) >= 5
        assert all(cell_len(line) <= columns for line in lines if str(folder) not in line)
        assert not any(line.endswith(" ") for line in lines)
