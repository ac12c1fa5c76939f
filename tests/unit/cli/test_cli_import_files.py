"""``fineauthor import`` for manuscripts (.txt, .md, .docx, with --split, --template and
--plain-text) and spreadsheets (.csv, with --prompt-column and --response-column), DESIGN §6:
what came in on stdout, what was left out and why on stderr, exit statuses 0, 1 and 2."""

from __future__ import annotations

from pathlib import Path

import docx

from fineauthor.cli.main import main
from fineauthor.core.project.project import Project
from fineauthor.core.writing.bench_scoring import WIZARD_TEMPLATE
from tests.paths import FIXTURES

MANUSCRIPTS = FIXTURES / "manuscripts"
TXT = MANUSCRIPTS / "the-lighthouse.txt"
MOBY = MANUSCRIPTS / "gutenberg" / "moby-dick-excerpt.txt"
PROSE = " ".join(["The lamp swung its beam over the water and found nothing there."] * 12)


def run(capsys, *args: object) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def _examples(project: Path) -> list:
    with Project.open(project) as opened:
        return list(opened.examples())


def test_a_text_manuscript_by_chapter_with_a_template(tmp_path: Path, capsys) -> None:
    project = tmp_path / "lighthouse.fineauthor"
    status, out, err = run(
        capsys, "import", TXT, "-o", project, "--template", "Write {chapter} of my novel."
    )
    assert status == 0, err
    assert out == (
        f"Added 3 chapters of “the-lighthouse.txt” as examples to a new project “{project}”.\n"
    )
    # The title line and the short epilogue are left out, each named with its length.
    assert err == (
        "Left out as too short to teach anything (a title line, a dedication…):\n"
        "  “Before the first heading” (9 words)\n"
        "  “Epilogue” (19 words)\n"
    )
    examples = _examples(project)
    assert [e.prompt for e in examples] == [
        "Write CHAPTER ONE: The Lamp of my novel.",
        "Write Chapter 2: Salt of my novel.",
        "Write Chapter 3 of my novel.",
    ]
    assert examples[0].response.startswith("Mara climbed the hundred and twelve steps")
    assert examples[0].source == "Manuscript: the-lighthouse.txt, CHAPTER ONE: The Lamp"


def test_by_scene_into_a_project_with_its_own_prompt_and_system(tmp_path: Path, capsys) -> None:
    project = tmp_path / "novel.fineauthor"
    with Project.create(project, title="Novel") as made:
        made.update_settings(
            system_prompt="You write small islands.",
            wizard={WIZARD_TEMPLATE: "Scene {scene} of {chapter}."},
        )
    status, out, _ = run(capsys, "import", TXT, "-o", project, "--split", "scenes")
    assert status == 0
    assert out.startswith("Added 9 scenes of “the-lighthouse.txt” as examples to “")
    examples = _examples(project)
    assert examples[0].prompt == "Scene 1 of CHAPTER ONE: The Lamp."
    assert examples[0].system == "You write small islands."


def test_a_gutenberg_book_says_its_header_and_licence_were_left_out(tmp_path: Path, capsys) -> None:
    project = tmp_path / "moby.fineauthor"
    status, out, err = run(capsys, "import", MOBY, "-o", project)
    assert status == 0
    assert err.splitlines()[0] == (
        "Project Gutenberg’s header and licence were left out: they are not the book’s text."
    )
    assert "Added 4 chapters of “moby-dick-excerpt.txt”" in out
    assert _examples(project)[-1].response.endswith("only found another orphan.")


def _word_file(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("The Salt Keeper", style="Title")
    document.add_paragraph("by Jane Marrow")
    document.add_heading("Chapter One", level=1)
    line = document.add_paragraph("She had ")
    line.add_run("never").italic = True
    line.add_run(" seen the ship. " + PROSE)
    footnoted = document.add_paragraph("The board wrote twice.")
    footnoted.add_run()._r.append(
        docx.oxml.parse_xml(
            '<w:footnoteReference xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main" w:id="1"/>'
        )
    )
    path = tmp_path / "salt.docx"
    document.save(str(path))
    return path


def test_a_word_file_keeps_emphasis_unless_asked_and_counts_footnotes(
    tmp_path: Path, capsys
) -> None:
    path = _word_file(tmp_path)
    status, out, err = run(capsys, "import", path, "-o", tmp_path / "a.fineauthor")
    assert status == 0
    assert "Added 1 chapter of “salt.docx”" in out
    assert err.splitlines() == [
        "Left out as they are not the story: the title page.",
        "1 footnote left out.",
    ]
    (example,) = _examples(tmp_path / "a.fineauthor")
    assert example.response.startswith("She had *never* seen the ship.")
    assert example.response.endswith("The board wrote twice.")
    status, _, _ = run(capsys, "import", path, "-o", tmp_path / "b.fineauthor", "--plain-text")
    assert status == 0
    assert _examples(tmp_path / "b.fineauthor")[0].response.startswith("She had never seen")


def test_a_spreadsheet_with_chosen_columns(tmp_path: Path, capsys) -> None:
    table = tmp_path / "scenes.csv"
    table.write_text(
        "Notes,Ask,Scene\nfirst,Write the storm.,The storm came.\n"
        "second,Write the calm.,\nthird,,The calm came after.\n",
        encoding="utf-8",
    )
    project = tmp_path / "t.fineauthor"
    status, out, err = run(
        capsys, "import", table, "-o", project, "--prompt-column", "B", "--response-column", "scene"
    )
    assert status == 1  # a row had to be left out
    assert out == (
        "Added 2 examples from “scenes.csv” (prompts from “Ask”, responses from “Scene”) to a "
        f"new project “{project}”.\n"
    )
    assert err.splitlines() == [
        "Row 3 has no response, so it was left out.",
        "1 example has no prompt yet: write them in FineAuthor’s editor.",
    ]
    assert [(e.prompt, e.response) for e in _examples(project)] == [
        ("Write the storm.", "The storm came."),
        ("", "The calm came after."),
    ]


def test_a_spreadsheet_with_columns_guessed_from_their_names(tmp_path: Path, capsys) -> None:
    table = tmp_path / "pairs.csv"
    table.write_text("prompt,response\nAsk.,Answer.\n", encoding="utf-8")
    status, out, err = run(capsys, "import", table, "-o", tmp_path / "p.fineauthor")
    assert (status, err) == (0, "")
    assert "(prompts from “prompt”, responses from “response”)" in out


def test_mistakes_are_one_plain_line_and_status_2(tmp_path: Path, capsys) -> None:
    table = tmp_path / "pairs.csv"
    table.write_text("prompt,response\nAsk.,Answer.\n", encoding="utf-8")
    project = tmp_path / "p.fineauthor"
    cases = [
        (
            ["--response-column", "Story"],
            table,
            "“pairs.csv” has no column “Story”. Its columns are “prompt”, “response”.",
        ),
        (["--split", "scenes"], table, "--split works with manuscripts (.txt, .md, .docx) only."),
        (
            ["--prompt-column", "A"],
            TXT,
            "--prompt-column works with spreadsheets saved as .csv only.",
        ),
        (["--fold-follow-ups"], TXT, "--fold-follow-ups works with a ChatGPT export only."),
        (
            ["--response-column", "prompt"],
            table,
            "The response needs a column of its own: choose a different one.",
        ),
    ]
    for extra, source, says in cases:
        status, out, err = run(capsys, "import", source, "-o", project, *extra)
        assert (status, out, err) == (2, "", f"fineauthor: {says}\n")
    assert not project.exists()  # nothing was made by a command that failed
    status, _, err = run(capsys, "import", TXT, "-o", project, "--split", "pages")
    assert status == 2 and "invalid choice: 'pages'" in err


def test_a_manuscript_with_nothing_long_enough(tmp_path: Path, capsys) -> None:
    short = tmp_path / "note.txt"
    short.write_text("", encoding="utf-8")
    status, _, err = run(capsys, "import", short, "-o", tmp_path / "p.fineauthor")
    assert status == 2
    assert err == "fineauthor: “note.txt” has no text in it to use as examples.\n"
