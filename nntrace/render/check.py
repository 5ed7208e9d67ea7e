"""`nntrace check` for the terminal: a line a figure (name, the text's name, printed, exact,
verdict), the reason below each that does not simply agree, then the summary."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.padding import Padding
from rich.text import Text

from ..views.check import CheckView

STYLES = {"agrees": "green", "follows": "cyan", "slip": "yellow", "wrong": "bold red"}


@dataclass
class CheckTable:
    view: CheckView

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        view = self.view
        yield Text(view.title, style="bold")
        widths = [max([len(h), *(len(getattr(line, key)) for line in view.lines)])
                  for h, key in (("figure", "name"), ("", "source_name"), ("printed", "printed"),
                                 ("exact", "exact"))]
        header = f"{'figure':{widths[0]}}  {'':{widths[1]}}  {'printed':>{widths[2]}}  {'exact':>{widths[3]}}  verdict"
        yield Text(header.rstrip(), style="bold")
        for line in view.lines:
            row = Text(f"{line.name:{widths[0]}}", style="cyan")
            row.append(f"  {line.source_name:{widths[1]}}  {line.printed:>{widths[2]}}  {line.exact:>{widths[3]}}  ")
            row.append(line.mark, style=STYLES[line.verdict])
            yield row
            if line.verdict != "agrees":
                yield Padding(Text(line.explanation, style="dim"), (0, 0, 0, 4))
        yield Text(view.summary, style="bold green" if view.fine else "bold red")
        if view.closest:
            yield Text(view.closest)
