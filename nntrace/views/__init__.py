"""What each command shows, as plain data: text and numbers, no rendering. The renderers
in nntrace/render (terminal, Markdown, LaTeX, HTML, SVG) read these views."""
