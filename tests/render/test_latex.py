from nntrace.render.latex import tex_text


def test_tex_text_escapes_every_special():
    assert tex_text("a_b & 50% #1 $x {y} ~ ^ \\") == (
        "a\\_b \\& 50\\% \\#1 \\$x \\{y\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}")
    assert tex_text("0.6 → 0.7, 1 ≠ 2, 3 > 2") == "0.6 $\\to$ 0.7, 1 $\\neq$ 2, 3 $>$ 2"
    assert tex_text("ж") == "\\texttt{[U+0436]}"   # not a character LaTeX may refuse, nor a "?"
    assert tex_text("-0.5 × relu-like") == "$-$0.5 $\\times$ relu-like"
    assert tex_text("network 2-4-1, 1.6 µs, (-2)") == "network 2-4-1, 1.6 $\\mu$s, ($-$2)"


def test_a_step_with_gradients_and_softmax_loses_no_symbol_in_latex():
    # ∂E/∂w, e^x, ln, ½: every character of the formulas spelled for LaTeX, none replaced by "?".
    from nntrace import api
    from nntrace.render.export import render
    from nntrace.views.document import step_document

    network = {"layers": [2, 1, 2], "activation": ["sigmoid", "softmax"],
               "weights": [[[0.5, -0.75]], [[2.0], [-2.0]]], "biases": [[0.25], [0.5, -0.5]]}
    for loss in ("cross-entropy", "half-squared-error"):
        text = render(step_document(api.step(network, [1, 1], [1, 0], 0.5, loss=loss), 4), ".tex")
        assert text.isascii()
        lost = [line for line in text.splitlines() if "?" in line]
        assert lost == [], lost[:2]


def test_letters_outside_ascii_are_spelled_as_plain_latex_does():
    assert tex_text("Rückwärts naïve Ça") == 'R\\"{u}ckw\\"{a}rts na\\"{{\\i}}ve \\c{C}a'
    assert tex_text("δ_o1 Ω “quoted” ß") == "$\\delta$\\_o1 $\\Omega$ ``quoted'' {\\ss}"
    assert tex_text("train --json") == "train -{}-json"   # two hyphens, not an en dash
    assert tex_text("例").isascii()


def test_a_combining_accent_and_guillemets_survive_plain_latex():
    assert tex_text("e\u0301t\u00e9") == "\\'{e}t\\'{e}"        # combining or precomposed, the same
    assert tex_text("«x»") == "$\\ll$x$\\gg$"                  # plain LaTeX prints < as an inverted !
