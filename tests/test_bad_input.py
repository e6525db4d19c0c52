"""Bad input gets a clear message, never a traceback, and never reaches the terminal raw."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing

import pytest
from conftest import SEEDS, run_json, run_qa

ARTICLE = SEEDS / "001_f2d3ef5ba37a2115.txt"
ESCAPES = "who said \x1b[31mred\x1b[0m\x07 and \x1b]0;title\x07 \x9b2J?"

QUESTIONS = {
    "stopwords only": ("the of and to", "Nothing in the index answers this confidently."),
    "arabic": ("ما هو عدد القتلى المدنيين في الرقة؟", None),
    "chinese": ("拉卡有多少平民死亡？", None),
    "russian": ("Сколько мирных жителей погибло в Ракке?", None),
    "escape sequences": (ESCAPES, None),
    "a word of no letters": ("1\x01_", "Nothing in the index answers this confidently."),
}


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_odd_questions_are_answered_plainly(seed_index, question):
    text, expected = question
    done = run_qa("ask", "-k", "2", text, index=seed_index)
    assert done.stderr == ""
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout and "\x9b" not in done.stdout
    if expected:
        assert done.stdout.splitlines()[0] == expected
    answer = json.loads(run_qa("ask", "--json", text, index=seed_index).stdout)
    assert "\x1b" not in answer["question"]


def test_a_100000_character_question_is_shortened_with_a_notice(seed_index):
    question = ("Raqqa civilians " * 7000)[:99999] + "x"
    done = run_qa("ask", "--json", question, index=seed_index)
    searched = json.loads(done.stdout)["question"]
    assert done.stderr.strip() == f"qa: the question is 100,000 characters long: searching its first {len(searched):,}"
    assert 1900 < len(searched) <= 2000 and question.startswith(searched + " ")


def test_escape_sequences_typed_in_the_chat_are_shown_not_obeyed(seed_index):
    done = run_qa("chat", index=seed_index, input=ESCAPES + "\n")
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "» who said ␛[31mred␛[0m␇ and ␛]0;title␇ �2J?" in done.stdout


FAILURES = {
    "empty question": (("ask", ""), 2, "qa: the question is empty"),
    "whitespace question": (("ask", " \t "), 2, "qa: the question is empty"),
    "control characters only": (("ask", "\x1b[2J\x07"), 2, "qa: the question is empty"),
    "missing index": (("--index", "{tmp}/nowhere", "ask", "hi"), 2, "qa: no index at {tmp}/nowhere"),
    "file as index": (("--index", str(ARTICLE), "ask", "hi"), 2, "is a file"),
    "folder as --file": (("ask", "--file", str(SEEDS)), 2, "Is a directory"),
    "missing path to index": (("index", "{tmp}/missing.txt"), 2, "qa: no such file or folder: {tmp}/missing.txt"),
    "path below a file": (("index", f"{ARTICLE}/x"), 2, "qa: no such file or folder"),
    "--field without paths": (("index", "--field", "text=notes"), 2, "qa: --field applies to the PATHS given with it"),
    "folder that is not BEIR": (("eval", str(SEEDS)), 2, "not a BEIR folder"),
    "file that is not questions": (("eval", str(ARTICLE)), 2, "not a question line"),
    "missing question file": (("eval", "{tmp}/none.jsonl"), 2, "does not exist"),
    "bad mode": (("ask", "--mode", "fuzzy", "hi"), 2, "'fuzzy' is not one of"),
    "bad k": (("ask", "-k", "0", "hi"), 2, "0 is not in the range"),
    "bad date": (("ask", "--since", "yesterday", "hi"), 2, "'yesterday' is not a date"),
    "dates crossed": (
        ("ask", "--since", "2019", "--until", "2018", "hi"),
        2,
        "qa: --since 2019-01-01 is after --until",
    ),
    "no question": (("ask",), 2, "qa: give either a QUESTION or --file FILE (see `qa ask --help`)"),
    "unknown command": (("bogus",), 2, "qa: No such command 'bogus'. (see `qa --help`)"),
    "option without its value": (("index", "--include"), 2, "requires an argument. (see `qa index --help`)"),
    "brief and json": (("ask", "--brief", "--json", "hi"), 2, "qa: --brief shapes what is printed for a reader"),
}


@pytest.mark.parametrize("case", FAILURES.values(), ids=FAILURES.keys())
def test_bad_arguments_get_one_clear_line_and_status_2(seed_index, tmp_path, case):
    args, status, message = case
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    index = None if "--index" in args else seed_index
    done = run_qa(*args, index=index, check=False)
    assert done.returncode == status
    assert "Traceback" not in done.stderr
    assert message.replace("{tmp}", str(tmp_path)) in done.stderr
    assert done.stderr.startswith("qa: ") and done.stderr.count("\n") == 1, done.stderr  # one line


def _damage(path, how: str) -> None:
    if path.suffix == ".sqlite":  # first move every page out of the write-ahead log into the file
        with closing(sqlite3.connect(path)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    else:  # garbage over its header
        path.write_bytes(b"\x13\x37 not what was written " * 64 + data[1536:])


@pytest.mark.parametrize("how", ["truncated", "overwritten"])
def test_a_damaged_sqlite_file_is_one_line_naming_the_rebuild_which_repairs_it(seed_index, tmp_path, how):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    _damage(index / "qa.sqlite", how)
    for args in (("ask", "Who is Donatella Rovera?"), ("info",), ("index",)):
        done = run_qa(*args, index=index, check=False)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.strip().count("\n") == 0
        assert done.stderr.startswith(f"qa: the index at {index} is damaged") and "qa index --rebuild" in done.stderr
    run_qa("index", "--rebuild", str(SEEDS), index=index)
    assert run_json("ask", "--json", "Who is Donatella Rovera?", index=index)["confident"]


@pytest.mark.parametrize("how", ["truncated", "overwritten"])
def test_a_damaged_faiss_file_is_rebuilt_from_stored_vectors(seed_index, tmp_path, how):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    question = "How many civilians did the coalition kill in Raqqa?"
    before = run_json("ask", "--json", question, index=index)
    (cache,) = index.glob("vectors-*.faiss")
    _damage(cache, how)
    done = run_qa("ask", "--json", question, index=index)
    assert done.stderr == "" and json.loads(done.stdout) == before
    assert run_json("index", "--json", index=index)["passages_embedded"] == 0


BAD_QUESTION_FILES = {
    "paragraph not a number": ('{"question": "Who?", "paragraph": "abc"}', "paragraph is not a number"),
    "answers not strings": ('{"question": "Who?", "answers": 5}', "answers are not a string or a list of strings"),
    "article not a name": ('{"question": "Who?", "article": [1]}', "article is not a file name"),
    "not an object": ("[1, 2]", "not an object"),
    "nested beyond reason": ("[" * 100_000, "not a question line"),
    "not UTF-8": (b"\xff\xfe{", "cannot read"),
}


@pytest.mark.parametrize("case", BAD_QUESTION_FILES.values(), ids=BAD_QUESTION_FILES.keys())
def test_malformed_eval_values_get_one_line(seed_index, tmp_path, case):
    line, message = case
    questions = tmp_path / "questions.jsonl"
    questions.write_bytes(line if isinstance(line, bytes) else line.encode() + b"\n")
    done = run_qa("eval", str(questions), index=seed_index, check=False)
    assert done.returncode == 2 and done.stderr.startswith("qa: ") and done.stderr.count("\n") == 1, done.stderr
    assert message in done.stderr


@pytest.mark.parametrize(
    "corpus",
    ['{"title": "no id", "text": "x"}', '{"_id": "", "text": "x"}', '"just a string"', '{"_id": {"a": 1}}'],
    ids=["no _id", "empty _id", "not an object", "_id an object"],
)
def test_beir_lines_without_a_usable_id_get_one_line(seed_index, tmp_path, corpus):
    folder = tmp_path / "beir"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text(corpus + "\n")
    (folder / "queries.jsonl").write_text('{"_id": "q1", "text": "Who?"}\n')
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    done = run_qa("eval", str(folder), index=seed_index, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not a BEIR folder" in done.stderr
    assert not (folder / ".qa").exists()


def test_rebuild_refuses_to_delete_a_database_that_is_not_a_qa_index(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    with closing(sqlite3.connect(other / "qa.sqlite")) as db:
        db.execute("CREATE TABLE notes (text)")
        db.execute("INSERT INTO notes VALUES ('precious')")
        db.commit()
    for args in (("ask", "hi"), ("info",), ("index", "--rebuild", str(SEEDS)), ("check",)):
        done = run_qa(*args, index=other, check=False)
        assert done.returncode in (1, 2) and "Traceback" not in done.stderr
        assert "is not a qa index" in done.stderr + done.stdout and "--rebuild`" not in done.stderr
    with closing(sqlite3.connect(other / "qa.sqlite")) as db:
        assert db.execute("SELECT text FROM notes").fetchall() == [("precious",)]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # its own journal, not qa's write-ahead log
    assert sorted(path.name for path in other.iterdir()) == ["qa.sqlite"]
