"""The BABE recall section of the evaluation bench reads the data set in place."""

from pathlib import Path

from bench.babe_recall import babe_section, read_babe, word_span


def test_missing_folder_is_said_not_measured(tmp_path):
    section = babe_section(tmp_path / "nowhere")
    assert "Not measured" in section
    assert "nowhere" in section


def test_biased_words_are_found_as_whole_words_case_insensitive():
    text = "Critics slammed the Slam poetry event."
    assert word_span(text, "slammed") == (8, 15)
    assert word_span(text, "slam") == (20, 24)
    assert word_span(text, "am") is None
    assert word_span(text, " ") is None


def test_read_and_measure_a_tiny_babe_like_folder(tmp_path: Path):
    (tmp_path / "items.csv").write_text(
        "item_id,text\na1,The greedy bosses slammed critics.\nb2,Revenue rose.\n",
        encoding="utf-8",
    )
    (tmp_path / "gold_sg2.csv").write_text(
        "item_id,label_bias,label_opinion,biased_words\n"
        "a1,Biased,x,\"['greedy', 'slammed', 'nowhere']\"\n"
        "b2,Non-biased,x,[]\n",
        encoding="utf-8",
    )
    items = read_babe(tmp_path)
    assert items[0] == (
        "The greedy bosses slammed critics.",
        "Biased",
        ["greedy", "slammed", "nowhere"],
    )
    section = babe_section(tmp_path)
    assert "2 located" not in section
    assert "| recall, LOADED | 1.00 |" in section
    assert "1 not found verbatim" in section
