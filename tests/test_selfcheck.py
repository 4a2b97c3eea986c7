"""ecmolib.selfcheck: a learner's answer gets a sentence, never a traceback."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecmolib import selfcheck


def _reply(fn, *args, capsys=None, **kwargs):
    fn(*args, **kwargs)
    return capsys.readouterr().out


@pytest.mark.parametrize("answer", [4.3, "4.3", "4.3 L/min", " 4,3 L/min", np.float32(4.3), np.array(4.3)])
def test_number_understands_the_ways_a_learner_writes_a_number(answer, capsys):
    out = _reply(selfcheck.number, answer, expected=4.29, units="L/min", tolerance=0.2, capsys=capsys)
    assert out.startswith("Right: 4.3 L/min")


def test_number_says_which_way_it_is_wrong_and_gives_the_hint(capsys):
    out = _reply(selfcheck.number, 6.0, expected=4.29, units="L/min", hint="Look at the pump curve.", capsys=capsys)
    assert "too high" in out and "Look at the pump curve." in out
    assert "4.29" not in out            # a wrong answer does not reveal the right one
    out = _reply(selfcheck.number, "2", expected=4.29, units="L/min", capsys=capsys)
    assert "too low" in out


def test_percentages_and_fractions_are_the_same_answer(capsys):
    for answer in (0.88, "88 %", "88%", 88):
        assert _reply(selfcheck.number, answer, expected=88.0, units="%", tolerance=2.0,
                      capsys=capsys).startswith("Right")


@settings(max_examples=60, deadline=None)
@given(answer=st.one_of(st.none(), st.text(max_size=20), st.floats(allow_nan=True, allow_infinity=True),
                        st.integers(min_value=-(10**400), max_value=10**400), st.lists(st.floats(), max_size=3),
                        st.booleans()))
def test_property_any_answer_gets_a_sentence(answer):
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        selfcheck.number(answer, expected=4.29, units="L/min")
        selfcheck.choice(answer, correct="b", options={"a": "VV", "b": "VA"})
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(("Right", "Not quite", "Please answer")) for line in lines)


def test_choice_accepts_key_or_text(capsys):
    options = {"a": "VV ECMO", "b": "VA ECMO"}
    assert _reply(selfcheck.choice, "B", correct="b", options=options, capsys=capsys).startswith("Right: b")
    assert _reply(selfcheck.choice, "va ecmo", correct="b", options=options, capsys=capsys).startswith("Right")
    out = _reply(selfcheck.choice, "a", correct="b", options=options, hint="Which supports the heart?",
                 capsys=capsys)
    assert out.startswith("Not quite") and "Which supports the heart?" in out


def test_the_lessons_side_is_checked():
    with pytest.raises(ValueError, match="expected"):
        selfcheck.number(1.0, expected=math.nan)
    with pytest.raises(ValueError, match="options"):
        selfcheck.choice("a", correct="c", options={"a": "VV"})
