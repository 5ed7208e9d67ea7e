import pytest

from nntrace import article
from nntrace.train.data import Sample, load_csv, parse_csv, xor
from nntrace.errors import NntraceError


def test_xor_is_the_articles_table_in_its_order():
    samples = xor().samples
    assert [(list(s.inputs), list(s.targets)) for s in samples] == article.XOR
    assert len(xor()) == 4


def test_csv_with_a_header_line():
    data = parse_csv("x1,x2,y\n0,0,0\n0,1,1\n", "d.csv", 2, 1)
    assert data.samples == (Sample((0.0, 0.0), (0.0,)), Sample((0.0, 1.0), (1.0,)))
    assert data.source == "d.csv"


def test_csv_without_header_with_spaces_blank_lines_and_two_targets():
    data = parse_csv("0.5, -1, 0.25, 1e-3\n\n 2 ,3,4,5\n", "d.csv", 2, 2)
    assert data.samples == (Sample((0.5, -1.0), (0.25, 0.001)), Sample((2.0, 3.0), (4.0, 5.0)))


def test_load_csv_reads_a_file_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("\ufeffa,b\n1,2\n", encoding="utf-8")
    assert load_csv(path, 1, 1).samples == (Sample((1.0,), (2.0,)),)


@pytest.mark.parametrize("text, message", [
    ("0,0,0\n0,1\n", "d.csv: line 2: expected 3 numbers (2 input(s) then 1 target(s), for the network), got 2"),
    ("a,b,c\n0,1,1,0\n", "d.csv: line 2: expected 3 numbers"),
    ("0,0,0\n0,x,1\n", "d.csv: line 2 column 2: 'x' is not a number"),
    ("0,0,nan\n", "d.csv: line 1 column 3: 'nan' is not a finite number"),
    ("0,0,inf\n", "not a finite number"),
    ("0,1_0,1\n", "d.csv: line 1 column 2: '1_0' is not a number"),      # float() reads 10
    ("0,\u0663,1\n", "d.csv: line 1 column 2: '\u0663' is not a number"),  # float() reads 3
    ("0;1_0;1\n", "d.csv: line 1 column 2: '1_0' is not a number"),
    ("", "d.csv: no samples"),
    ("x,y,z\n\n", "d.csv: no samples"),
    ('0,"1\n', "d.csv: line"),
])
@pytest.mark.parametrize("arrays", [False, True])
def test_malformed_csv_is_one_line_naming_file_and_line(text, message, arrays):
    with pytest.raises(NntraceError) as error:
        parse_csv(text, "d.csv", 2, 1, arrays)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_header_is_only_recognised_on_the_first_line():
    with pytest.raises(NntraceError, match="line 2 column 1: 'x' is not a number"):
        parse_csv("0,0,0\nx,y,z\n", "d.csv", 2, 1)


def test_unreadable_file(tmp_path):
    with pytest.raises(NntraceError, match="cannot read"):
        load_csv(tmp_path / "missing.csv", 2, 1)


def test_training_data_defaults_to_xor_only_where_it_fits():
    from nntrace.errors import ArgumentError
    from nntrace.core.network import random_network
    from nntrace.train.data import training_data

    assert len(training_data(random_network([2, 3, 1], seed=1)).samples) == 4
    with pytest.raises(ArgumentError, match="required for the network 3-1"):
        training_data(random_network([3, 1], seed=1))


@pytest.mark.parametrize("text", [
    "0,0,0\n0,1,1\n", "x1,x2,y\r\n0,0,0\r\n0.5,1e-3,-2\r\n", "\n\n  0 , 1 ,1\n\n1,0,1", "0,1_0,1\n",
    "0,0,0\n,,\n1,1,0\n", "a,b,c\nd,e,f\n", "0,0,0\n0,1\n", '0,"1",1\n', "0,0,1e400\n", "h,1,y\n0,0,0\n",
    "0,0,0\n1,1,1,1\n", "0,0,0\r\r1,1,1\n", "0,0,0\x0c1,1,1\n",
])
def test_plain_numbers_are_read_at_once_as_the_csv_module_reads_them(text, monkeypatch):
    # parse_csv reads a file of plain numbers line by line at once (data.plain_csv); anything
    # else, field by field with the csv module, which names what is wrong: the same samples.
    from nntrace.train import data as data_module

    def result():
        try:
            return parse_csv(text, "d.csv", 2, 1)
        except NntraceError as error:
            return str(error)
    quick = result()
    monkeypatch.setattr(data_module, "plain_csv", lambda *args: None)
    assert quick == result()
# Separators: each used to take the first row as a header, then "line 2: ... got 1".
XOR_ROWS = (Sample((0.0, 0.0), (0.0,)), Sample((0.0, 1.0), (1.0,)), Sample((1.0, 1.0), (0.0,)))


@pytest.mark.parametrize("text", [
    "0;0;0\n0;1;1\n1;1;0\n",
    "x1;x2;t\n0;0;0\n0;1;1\n1;1;0\n",
    "0\t0\t0\n0\t1\t1\n1\t1\t0\n",
    "0 0 0\n0  1 1\n 1 1 0 \n",
    "0,0,0,\n0,1,1,\n1,1,0,\n",            # a trailing comma ends each row
    "0;0;0;\n0;1;1\n1;1;0\n",
])
def test_semicolons_tabs_and_spaces_separate_as_commas_do(text):
    assert parse_csv(text, "d.csv", 2, 1).samples == XOR_ROWS


def test_decimal_commas_between_semicolons_are_named():
    with pytest.raises(NntraceError, match=r"^d.csv: line 2 column 1: '0,5' is not a number "
                                           r"\(a decimal comma\? write 0.5\)$"):
        parse_csv("0;0;0\n0,5;1;1\n", "d.csv", 2, 1)


def test_an_empty_field_is_named_and_one_number_is_singular():
    with pytest.raises(NntraceError, match=r"^d.csv: line 1 column 2: empty, not a number$"):
        parse_csv("0,,1\n", "d.csv", 2, 1)
    with pytest.raises(NntraceError, match=r"line 1: expected 2 numbers .* got 1$"):
        parse_csv("0\n", "d.csv", 1, 1)
    with pytest.raises(NntraceError, match=r"line 1: expected 3 numbers .* got 2 separated by semicolons$"):
        parse_csv("0;1\n", "d.csv", 2, 1)


def test_the_minus_sign_nntrace_prints_is_a_minus():
    assert parse_csv("\u22120.5,1\n", "d.csv", 1, 1).samples == (Sample((-0.5,), (1.0,)),)


def test_the_messages_say_expected_1_number_not_1_numbers():
    from nntrace.errors import plural

    assert (plural(1, "number"), plural(2, "number"), plural(0, "number")) == ("1 number", "2 numbers", "0 numbers")


@pytest.mark.parametrize("text, k, line", [
    ("x1,x2,t\n0,0,0\n\n0,1,3\n", 2, 4),      # a header, a blank line
    ("0;0;0\n0;1;3\n", 2, 2),                   # semicolons, no header
    ("0 0 0\n\n\n1 1 1\n", 2, 4),               # spaces
    ("x1,x2,t\n0,0,0\n", 2, None),              # no second sample
    ('"0","0","0"\n"0","1","1"\n', 2, 2),       # quoted numbers: no header
])
def test_a_samples_line_is_found_as_the_rows_were_read(text, k, line):
    from nntrace.train.data import parse_csv, sample_line

    assert sample_line(text, k) == line
    if line:
        assert parse_csv(text, "f.csv", 2, 1).samples[k - 1].targets == (
            float(text.splitlines()[line - 1].strip('"')[-1]),)
