"""Write what a command shows to a file, the format chosen by the file's extension.

.html and .svg record the terminal's rendering, colours kept; .md and .tex are written
from the same views as blocks, so the numbers are the ones the terminal prints at the
same --digits.
"""

from __future__ import annotations

import io
import os
from typing import Any, Sequence

from typing import TYPE_CHECKING

from ..files import known_extension, write_atomically

if TYPE_CHECKING:
    from ..views.document import Document

FORMATS = (".md", ".html", ".svg", ".tex")
WIDTH = 100   # columns of the recorded console: wide enough that formulas rarely wrap


def export_format(path: str | os.PathLike, option: str = "--export") -> str:
    """The format of `path` by its extension; anything else is refused in one line."""
    return known_extension(path, FORMATS, option)


def export(document: "Document", path: str | os.PathLike, option: str = "--export") -> None:
    """Write `document` to `path` in the format its extension names, whole or not at all."""
    write_atomically(path, render(document, export_format(path, option)), option)


def render(document: "Document", extension: str) -> str:
    # Imported here, so that checking an --export path at start-up stays cheap.
    from .blocks import blocks_of
    from .latex import latex
    from .markdown import markdown
    from .terminal import renderable

    blocks = [block for part in document.parts for block in blocks_of(part)]
    if extension == ".md":
        return markdown(blocks)
    if extension == ".tex":
        return latex(document.title, blocks)
    return recorded([renderable(part) for part in document.parts], extension, document.title)


# rich's HTML page, made well-formed XML (a closed <meta/>) so any XML tool can read it.
HTML_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8"/>
<title>{title}</title>
<style>
{{stylesheet}}
body {{{{
    color: {{foreground}};
    background-color: {{background}};
}}}}
</style>
</head>
<body>
<pre style="font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace"><code style="font-family:inherit">{{code}}</code></pre>
</body>
</html>
"""


def recording_console(width: int = WIDTH):
    from rich.console import Console

    # Colours are the point of these formats: kept even when NO_COLOR or a pipe would drop them.
    return Console(record=True, width=width, file=io.StringIO(), force_terminal=True,
                   color_system="truecolor", no_color=False, highlight=False)


def recorded(renderables: Sequence[Any], extension: str, title: str) -> str:
    from html import escape

    console = recording_console()
    for each in renderables:
        console.print(each)
    if extension == ".svg":
        return console.export_svg(title=title)
    return console.export_html(code_format=HTML_PAGE.format(title=escape(title)), inline_styles=True)


