"""The torch-free query path: ONNX parity with sentence-transformers, no ML imports where none are needed, fallback."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import ROOT, SEEDS, imported_after, run_json, run_qa

from qa import vector_format
from qa.backends.local.store import Store
from qa.chunking import chunk
from qa.embedding import SentenceTransformersEncoder, resolve_model
from qa.ingest import read_article
from qa.onnx_encoder import ENCODER_FILES, ONNX_FILE, WEIGHTS_FILE, OnnxEncoder, cache_folder, digest
from qa.text import normalize_for_search

HEAVY = ("torch", "transformers", "sentence_transformers")
SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
ML = HEAVY + ("onnxruntime", "faiss", "tokenizers", "sklearn")


def test_ask_never_imports_torch_transformers_or_sentence_transformers(seed_index):
    imported, output = imported_after(
        ["--index", str(seed_index), "ask", "How many civilians were killed in Raqqa?"], HEAVY
    )
    assert "[1]" in output
    assert imported == []


def test_eval_never_imports_torch(seed_index, tmp_path):
    questions = tmp_path / "two.jsonl"
    questions.write_text(
        '{"question": "Who led the coalition?", "answers": ["US"]}\n'
        '{"question": "How many civilians died in Raqqa?", "answers": ["1,600"]}\n'
    )
    imported, output = imported_after(["--index", str(seed_index), "eval", "--json", str(questions)], HEAVY)
    assert json.loads(output)["hybrid"]["hit@10"] == 1.0
    assert imported == []


def test_adding_an_article_embeds_it_without_torch(seed_index, tmp_path):
    index, folder = tmp_path / "index", tmp_path / "more"
    shutil.copytree(seed_index, index)
    folder.mkdir()
    (folder / "new.txt").write_text(
        "Raqqa rebuilding slowly\n\nTwo years after the battle, residents of Raqqa are rebuilding homes by hand.\n"
    )
    imported, output = imported_after(["--index", str(index), "index", "--json", str(folder)], HEAVY)
    assert json.loads(output)["added"] == 1 and json.loads(output)["passages_embedded"] == 1
    assert imported == []
    answer = run_json("ask", "--json", "-k", "1", "Who is rebuilding homes by hand?", index=index)
    assert answer["results"][0]["article"] == "new.txt"


@pytest.mark.parametrize("args", [["--help"], ["info"]], ids=["help", "info"])
def test_help_and_info_import_no_ml_library(seed_index, args):
    imported, output = imported_after(["--index", str(seed_index), *args], ML)
    assert output
    assert imported == []


def _varied_texts() -> list[str]:
    texts = []
    for path in sorted(SEEDS.glob("*.txt")):
        article = read_article(path)
        for passage in chunk(article):
            texts.append(passage.search_text)
            texts += [normalize_for_search(article.source[start:end]) for start, end in passage.sentences]
    questions = SEED_QUESTIONS.read_text().splitlines()
    texts += [json.loads(line)["question"] for line in questions[:40]]
    texts += ["", " ", ".", "a", "?!", "Raqqa", "ISIS ISIL IS Daesh", "١٬٦٠٠ مدني", "Заголовок"]
    long = " ".join(texts[:30])
    texts += [long, long + " " + long, "word " * 600]  # past the model's 256-token window: truncated alike
    return texts


def test_onnx_and_sentence_transformers_vectors_agree(seed_index):
    texts = _varied_texts()
    assert len(texts) >= 200
    reference = SentenceTransformersEncoder(resolve_model()).encode(texts)
    onnx = OnnxEncoder(seed_index, resolve_model()).encode(texts)
    cosines = np.sum(reference * onnx, axis=1) / (np.linalg.norm(reference, axis=1) * np.linalg.norm(onnx, axis=1))
    assert cosines.min() >= 0.9999, texts[int(cosines.argmin())][:80]


def test_a_new_index_takes_the_cached_encoder_without_torch_and_a_damaged_cache_is_exported_again(seed_index, tmp_path):
    cached = cache_folder(resolve_model())  # filled by the seed index's first build
    first = SEEDS / "000_3bfce553260361f3.txt"
    imported, _ = imported_after(["--index", str(tmp_path / "one"), "index", str(first)], HEAVY)
    assert imported == []
    assert all((tmp_path / "one" / name).read_bytes() == (cached / name).read_bytes() for name in ENCODER_FILES)
    with (cached / WEIGHTS_FILE).open("r+b") as file:
        file.seek(4096)
        file.write(b"not a model")
    imported, _ = imported_after(["--index", str(tmp_path / "two"), "index", str(first)], HEAVY)
    assert "torch" in imported
    assert digest(cached, verify=True) == (cached / "sha256").read_text() == digest(tmp_path / "two", verify=True)
    answer = run_json("ask", "--json", "How many civilians did the airstrike kill?", index=tmp_path / "two")
    assert answer["results"][0]["article"] == first.name


@pytest.mark.parametrize("damaged", [ONNX_FILE, WEIGHTS_FILE])
def test_a_damaged_encoder_file_falls_back_with_one_notice_and_the_same_answer(seed_index, tmp_path, damaged):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    question = "Who said coalition forces razed Raqqa?"
    before = run_json("ask", "--json", question, index=index)
    with (index / damaged).open("r+b") as file:
        file.seek(4096)
        file.write(b"not a model")
    done = run_qa("ask", "--json", question, index=index)
    after = json.loads(done.stdout)
    assert done.stderr.strip().count("\n") == 0 and "ONNX encoder is missing or damaged" in done.stderr
    assert [r["chars"] for r in after["results"]] == [r["chars"] for r in before["results"]]
    restored = run_json("index", "--json", index=index)
    assert restored["passages_embedded"] == 0
    assert run_qa("ask", question, index=index).stderr == ""


@pytest.mark.parametrize("table", ["passages", "sentences"])  # stored in float16 and in int8
def test_stored_vectors_find_what_float32_vectors_find(seed_index, table):
    store = Store.open(seed_index)
    rows = store.connection.execute(
        f"SELECT p.text, p.start, t.start, t.end, e.vector FROM {table} t "
        f"JOIN passages p ON p.id = {'t.id' if table == 'passages' else 't.passage_id'} "
        "JOIN embeddings e ON e.key = t.embedding_key"
    ).fetchall()
    encoder = OnnxEncoder(seed_index, resolve_model())
    exact = encoder.encode([normalize_for_search(text[start - at : end - at]) for text, at, start, end, _ in rows])
    stored = vector_format.decode([row[-1] for row in rows], exact.shape[1])
    assert min(np.sum(exact * stored, axis=1) / np.linalg.norm(stored, axis=1)) >= 0.9999
    questions = [json.loads(line)["question"] for line in SEED_QUESTIONS.read_text().splitlines()]
    queries = encoder.encode(questions)
    top = [np.argsort(-(queries @ vectors.T), axis=1)[:, :10] for vectors in (exact, stored)]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(*top, strict=True)])
    assert recall >= 0.99
