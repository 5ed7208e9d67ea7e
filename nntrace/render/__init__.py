"""Renderers: each reads a view (nntrace/views) and writes it for a terminal (rich), as
Markdown, LaTeX, HTML or SVG, or as a matplotlib plot."""
