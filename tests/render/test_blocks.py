from nntrace.render.blocks import Heading, Paragraph, Table
from nntrace.render.latex import latex
from nntrace.render.markdown import markdown


def test_markdown_and_latex_of_hand_made_blocks():
    blocks = [Heading("A | b"), Paragraph("x*y_z"),
              Table("t", ["name", "value"], [[[("L1.n1.b", "code")], [("2", "bold")]]])]
    assert markdown(blocks).splitlines()[:7] == [
        "## A \\| b", "", "x\\*y\\_z", "", "**t**", "", "| name | value |"]
    assert "| `L1.n1.b` | **2** |" in markdown(blocks)
    assert "\\texttt{L1.n1.b} & \\textbf{2} \\tabularnewline" in latex("T", blocks)
