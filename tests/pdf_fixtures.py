"""PDF files made with fpdf2 for the tests and bench/pdf_extraction.py: a report with running heads, hyphenated
line breaks and a paragraph running over a page, a two-column page, a table, an encrypted and an image-only file."""

from __future__ import annotations

from pathlib import Path

HEADER = "War of annihilation: civilians under fire in Raqqa"
FOOTER = "Amnesty International, June 2018"
# Each page: paragraphs, each a list of printed lines (the line breaks as a typesetter made them).
REPORT_PAGES = [
    [
        ["Executive summary"],
        [
            "Between June and October 2017 the US-led coalition carried out",
            "thousands of air and artillery strikes on the Syrian city of Raqqa. Re-",
            "searchers visited more than 200 strike sites across the city and",
            "interviewed 400 witnesses and survivors.",
        ],
        [
            "The coalition has admitted to causing only 159 civilian deaths in",
            "the whole of the campaign, while monitors counted more than 1,600",
            "civilians killed by its bombardment, most of them in their own",
        ],
    ],
    [
        [
            "homes, and many whole families who had been unable to leave the",
            "besieged districts of the old city.",
        ],
        [
            "Artillery fire accounted for a large share of the destruction. US",
            "forces said they fired 30,000 artillery rounds during the offen-",
            "sive, more than in any place since the Vietnam War.",
        ],
    ],
    [
        [
            "Amnesty International calls on the coalition to investigate each",
            "strike that killed civilians and to compensate the survivors and",
            "the families of those who were killed.",
        ],
    ],
]
REPORT_PARAGRAPHS = [
    "Executive summary",
    "Between June and October 2017 the US-led coalition carried out thousands of air and artillery strikes on the "
    "Syrian city of Raqqa. Researchers visited more than 200 strike sites across the city and interviewed 400 "
    "witnesses and survivors.",
    "The coalition has admitted to causing only 159 civilian deaths in the whole of the campaign, while monitors "
    "counted more than 1,600 civilians killed by its bombardment, most of them in their own homes, and many whole "
    "families who had been unable to leave the besieged districts of the old city.",
    "Artillery fire accounted for a large share of the destruction. US forces said they fired 30,000 artillery rounds "
    "during the offensive, more than in any place since the Vietnam War.",
    "Amnesty International calls on the coalition to investigate each strike that killed civilians and to compensate "
    "the survivors and the families of those who were killed.",
]
REPORT_TITLE = "Raqqa: the coalition's war of annihilation"
LEFT_COLUMN = (
    "The coalition said its strikes in Raqqa were precise. Amnesty researchers visited more than 200 strike sites "
    "across the city and interviewed 400 witnesses and survivors, who described whole families killed in their homes. "
) * 2
RIGHT_COLUMN = (
    "Officials in Washington admitted to causing only 159 civilian deaths during the four-month campaign. "
    "Airwars, a monitoring group, counted more than 1,600 civilians killed by the bombardment of the city. "
) * 2
TABLE_CAPTION = "Table 1 shows the strikes recorded by month in 2017."
TABLE = [
    ("Month", "Strikes", "Civilians killed"),
    ("June", "1,024", "360"),
    ("July", "1,408", "520"),
    ("August", "1,520", "610"),
    ("September", "980", "140"),
]


def _document():
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    pdf.set_auto_page_break(False)
    return pdf


def write_report(path: Path, *, password: str | None = None) -> None:
    """The three-page report: running header and footer, page numbers, hyphenation, a paragraph over a page."""
    pdf = _document()
    pdf.set_title(REPORT_TITLE)
    pdf.set_author("Amnesty International")
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    for number, paragraphs in enumerate(REPORT_PAGES, start=1):
        pdf.add_page()
        pdf.set_xy(20, 12)
        pdf.cell(0, 6, HEADER, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(30)
        for lines in paragraphs:
            for line in lines:
                pdf.set_x(20)
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        pdf.set_xy(20, 275)
        pdf.cell(0, 6, FOOTER, new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(20)
        pdf.cell(0, 6, f"Page {number} of {len(REPORT_PAGES)}")
    pdf.output(str(path))


def write_columns_and_table(path: Path) -> None:
    """A page of two columns, then a page with a table."""
    pdf = _document()
    pdf.add_page()
    pdf.set_xy(15, 20)
    pdf.multi_cell(85, 5, LEFT_COLUMN)
    pdf.set_xy(110, 20)
    pdf.multi_cell(85, 5, RIGHT_COLUMN)
    pdf.add_page()
    pdf.set_xy(15, 20)
    pdf.multi_cell(180, 5, TABLE_CAPTION)
    pdf.set_y(35)
    with pdf.table(col_widths=(60, 40, 60)) as table:
        for row in TABLE:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.output(str(path))


def write_image_only(path: Path) -> None:
    """A scanned page: an image and no text layer."""
    from PIL import Image

    image = path.with_suffix(".png")
    Image.new("L", (200, 100), 200).save(image)
    pdf = _document()
    pdf.add_page()
    pdf.image(str(image), x=20, y=20, w=100)
    pdf.output(str(path))
    image.unlink()
