"""A known birth date checked against digit boxes OCR partly misread (`matching.glyphs`)."""

from __future__ import annotations

import datetime as dt

import pytest

from chartfile.matching.glyphs import reads_as

D = dt.date


@pytest.mark.parametrize(
    ("printed", "born", "reads"),
    [
        pytest.param("HERB (04 (30 20k | | M | SAME", D(2011, 4, 30), False, id="a-years-decade-unread"),
        pytest.param("HERB (04 (30 201k | | M | SAME", D(2011, 4, 30), True, id="a-years-last-digit-unread"),
        pytest.param("SOLEDAD A 07 |[11 ||2e01_ F", D(2001, 7, 11), True, id="zero-read-as-e"),
        pytest.param("REYNA 102 26 “i949 \\ | F", D(1949, 2, 26), True, id="box-rule-and-i-for-1"),
        pytest.param("LULA J o9 |/11 || 1982 F", D(1982, 9, 11), True, id="o-for-0"),
        pytest.param("TROMP 103 |[19 ||1971| | F", D(1971, 3, 19), True, id="box-rule-read-as-1-digits-only"),
        pytest.param("TROMP 103 |[19 ||1971| | F", D(1971, 10, 3), False, id="a-rule-is-not-a-month-digit"),
        pytest.param("TROMP 103 |[19 ||1972| | F", D(1971, 3, 19), False, id="a-rule-and-another-year"),
        pytest.param("TROMP 203 |[19 ||1971| | F", D(1971, 3, 19), False, id="a-2-is-no-rule"),
        pytest.param("HANE 12|/011/2012?", D(2012, 12, 1), True, id="right-rules-read-as-1-and-mark"),
        pytest.param("HANE 12|/011/2012?", D(2012, 12, 11), False, id="a-right-rule-is-not-a-day-digit"),
        pytest.param("HANE 12 011 2012", D(2012, 12, 1), True, id="right-rule-read-as-1-digits-only"),
        pytest.param("HANE 12 011 2012", D(2012, 11, 12), False, id="a-right-rule-does-not-swap-boxes"),
        pytest.param("TROMP 101 |[19 ||1971| | F", D(1971, 10, 19), False, id="a-rule-each-side-reads-left"),
        pytest.param("TROMP 031 |[19 ||1972| | F", D(1971, 3, 19), False, id="a-right-rule-and-another-year"),
        pytest.param("LEONLE 0?|[17 [1986 | F", D(1986, 2, 17), True, id="a-question-mark-for-a-lost-digit"),
        pytest.param("04 30 2011", D(2011, 4, 30), False, id="clean-is-the-date-readers"),
        pytest.param("O4 30 11", D(2011, 4, 30), True, id="two-digit-year"),
        pytest.param("DENNY f92]/10)[1937; | M", D(1937, 2, 10), False, id="a-digit-differs"),
        pytest.param("04 30 2012", D(2011, 4, 30), False, id="another-year"),
        pytest.param("04 31 2011", D(2011, 4, 30), False, id="another-day"),
        pytest.param("30 04 2011", D(2011, 4, 30), False, id="day-first"),
        pytest.param("k4 3k 2011", D(2011, 4, 30), False, id="two-boxes-unread"),
        pytest.param("0k 3k 2k", D(2011, 4, 30), False, id="too-few-digits-read"),
        pytest.param("[03 |[Ox |[1957 |", D(1957, 3, 4), False, id="a-box-without-a-digit"),
        pytest.param("Room 04 30 ward", D(2011, 4, 30), False, id="two-groups"),
        pytest.param("10 BIRTHDATE O3k4l957 11 SEX", D(1957, 3, 4), True, id="ub04-eight-digits"),
        pytest.param("O3O457", D(1957, 3, 4), True, id="six-digits"),
        pytest.param("03051957", D(1957, 3, 4), False, id="eight-digits-another-day"),
        pytest.param("0kk41957", D(1957, 3, 4), False, id="eight-digits-two-fields-unread"),
        pytest.param("DOB: 06/26/2603", D(2003, 6, 26), True, id="an-impossible-year-0-read-as-6"),
        pytest.param("[05 |/34 |[1998] |", D(1998, 5, 31), True, id="an-impossible-day-1-read-as-4"),
        pytest.param("Employee DOB: 1937-97-10", D(1937, 7, 10), True, id="iso-impossible-month-0-read-as-9"),
        pytest.param("DOB: 06/26/2603", D(2008, 6, 26), False, id="impossible-but-two-digits-differ"),
        pytest.param("DOB: 06/26/2603", D(2023, 6, 26), False, id="impossible-but-2-is-not-read-as-6"),
        pytest.param("04 31 2011", D(2011, 4, 30), False, id="impossible-but-0-is-not-read-as-1"),
        pytest.param("06/26/2008", D(2003, 6, 26), False, id="a-possible-date-a-confusable-digit-off"),
        pytest.param("1937-07-10", D(1937, 7, 10), False, id="a-clean-iso-date-is-the-date-readers"),
    ],
)
def test_digit_boxes_read_as_a_known_birth_date_only_where_every_digit_read_agrees(
    printed: str, born: dt.date, reads: bool
) -> None:
    assert reads_as(printed, born) is reads
