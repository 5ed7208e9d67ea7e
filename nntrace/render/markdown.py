"""Markdown: tables ready to paste into a README or a blog post."""

from __future__ import annotations

from typing import Sequence

from .blocks import Block, Cell, Heading, Paragraph, Preformatted, spans

def markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + md_text(block.text), ""]
        elif isinstance(block, Paragraph):
            out += [md_text(block.text), ""]
        elif isinstance(block, Preformatted):
            out += ["```", block.text, "```", ""]
        else:
            if block.title:
                out += [f"**{md_text(block.title)}**", ""]
            out.append("| " + " | ".join(md_text(h) for h in block.header) + " |")
            out.append("|" + "|".join("---" for _ in block.header) + "|")
            out += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out)


def md_text(text: str) -> str:
    for special in "\\`*_[]<>|#":
        text = text.replace(special, "\\" + special)
    return text


def md_cell(cell: Cell) -> str:
    parts = []
    for text, kind in spans(cell):
        if kind == "code":
            parts.append(f"`{text}`")
        elif kind == "bold":
            parts.append(f"**{md_text(text)}**")
        else:
            parts.append(md_text(text))
    return "".join(parts)
