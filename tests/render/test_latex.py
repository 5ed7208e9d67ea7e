from nntrace.render.latex import tex_text


def test_tex_text_escapes_every_special():
    assert tex_text("a_b & 50% #1 $x {y} ~ ^ \\") == (
        "a\\_b \\& 50\\% \\#1 \\$x \\{y\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}")
    assert tex_text("0.6 → 0.7, 1 ≠ 2, 3 > 2") == "0.6 $\\to$ 0.7, 1 $\\neq$ 2, 3 $>$ 2"
    assert tex_text("ж") == "?"
    assert tex_text("-0.5 × relu-like") == "$-$0.5 $\\times$ relu-like"
    assert tex_text("network 2-4-1, 1.6 µs, (-2)") == "network 2-4-1, 1.6 $\\mu$s, ($-$2)"
