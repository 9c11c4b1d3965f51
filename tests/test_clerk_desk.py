"""The desk's pure parts and accounts on a real SQLite ledger: field checks, highlights, lock-out, the
session cookie, the sign-in redirect and the web settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from chartfile.clerk import accounts
from chartfile.clerk.accounts import Role
from chartfile.clerk.desk import field_checks, printed_identity
from chartfile.clerk.pages import highlights
from chartfile.errors import ConfigError, UsageError
from chartfile.ledger import open_ledger
from chartfile.ledger.models import Document
from chartfile.records import Word
from chartfile.settings import Settings, parse_settings
from chartfile.web.session import Expired, SessionCodec, SessionData, load_secret
from chartfile.web.signin import _safe_next

PATIENT = {
    "last_name": "Whitfield",
    "first_name": "Harold",
    "dob": "1957-03-04",
    "mrn": "4471203",
    "phone": "",
    "address": "12 Elm St, Springfield, MA, 01101",
}


def _candidate(reading: dict[str, str | None], levels: list[tuple[str, str, float, str]]) -> dict[str, Any]:
    return {
        "mrn": "4471203",
        "reading": reading,
        "fields": [{"field": f, "level": lv, "weight": w, "detail": d} for f, lv, w, d in levels],
    }


def test_each_field_agrees_differs_or_is_missing_with_the_matchers_reason() -> None:
    reading = {"last_name": "Whitfie1d", "first_name": "Harry", "dob": "1957-04-03", "mrn": None}
    reading |= {"phone": "4135550199", "address": "9 Oak Rd"}
    levels = [
        ("surname", "ocr", 6.0, "an OCR confusion explains the difference"),
        ("first_name", "else", -4.0, ""),
        ("dob", "day-month-swapped", 5.0, ""),
        ("mrn", "null", 0.0, ""),
        ("address", "else", -1.0, ""),
    ]
    candidate = _candidate(reading, levels)
    checks = {c.field: c for c in field_checks(candidate, PATIENT)}
    assert (checks["last_name"].verdict, checks["last_name"].reason) == (
        "agrees",
        "the same but for letters OCR confuses (an OCR confusion explains the difference)",
    )
    assert (checks["first_name"].verdict, checks["first_name"].reason) == ("differs", "different")
    assert (checks["dob"].verdict, checks["dob"].reason) == ("agrees", "day and month swapped")
    assert (checks["mrn"].verdict, checks["mrn"].reason) == ("missing", "not read from the document")
    assert (checks["phone"].verdict, checks["phone"].reason) == ("missing", "not on the patient list")
    assert checks["address"].verdict == "differs"
    assert [c.document for c in field_checks(candidate, PATIENT)][:2] == ["Whitfie1d", "Harry"]


def _word(text: str, left: int = 10) -> Word:
    return Word(text, left, 20, 50, 12, 100.0)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param("WHITFIELD,", "name", id="surname-upper-comma"),
        pytest.param("Harold", "name", id="first-name"),
        pytest.param("03/04/1957", "dob", id="dob-us"),
        pytest.param("04.03.1957", "dob", id="dob-european"),
        pytest.param("3/4/57", "dob", id="dob-two-digit-year"),
        pytest.param("1957-03-04", "dob", id="dob-iso"),
        pytest.param("MRN:4471203", "mrn", id="mrn-glued-to-label"),
        pytest.param("03/05/1957", None, id="another-date"),
        pytest.param("Whitfields", None, id="longer-word"),
        pytest.param("447120", None, id="part-of-mrn"),
    ],
)
def test_the_words_that_print_the_reading_are_highlighted(text: str, field: str | None) -> None:
    reading = {"last_name": "Whitfield", "first_name": "Harold", "dob": "1957-03-04", "mrn": "4471203"}
    found = highlights([_word(text)], reading)
    assert [h.field for h in found] == ([field] if field else [])


def test_nothing_is_highlighted_without_a_reading() -> None:
    assert highlights([_word("Whitfield")], None) == [] and highlights([_word("Whitfield")], {}) == []


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return parse_settings({}, base=tmp_path, source=tmp_path / "config.yaml")


def test_failed_sign_ins_lock_the_account_for_a_while(settings: Settings) -> None:
    now = [dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)]
    with open_ledger(settings.paths, settings.database, clock=lambda: now[0], actor="test") as ledger:
        accounts.add_user(ledger, "clara", Role.CLERK, "a long enough password")

        def attempt(name: str, password: str) -> accounts.SignIn:
            return accounts.sign_in(ledger, name, password, max_failures=3, lock_for=dt.timedelta(minutes=15))

        assert [attempt("clara", "wrong").locked for _ in range(3)] == [False, False, True]
        assert attempt("clara", "a long enough password").locked  # the right password, but locked
        now[0] += dt.timedelta(minutes=16)
        signed = attempt("clara", "a long enough password")
        assert signed.account is not None and signed.account.role is Role.CLERK
        assert attempt("nobody", "whatever").account is None
        accounts.change_user(ledger, "clara", disabled=True)
        assert accounts.current_account(ledger, signed.account.id, signed.account.session_epoch) is None
        with pytest.raises(UsageError, match="too short"):
            accounts.add_user(ledger, "dan", Role.CLERK, "short")
        with pytest.raises(UsageError, match="not a valid account name"):
            accounts.add_user(ledger, "<b>", Role.CLERK, "a long enough password")


def test_roles_rank_clerk_supervisor_admin() -> None:
    clerk = accounts.Account(1, "c", Role.CLERK, 0)
    admin = accounts.Account(2, "a", Role.ADMIN, 0)
    assert clerk.may(Role.CLERK) and not clerk.may(Role.SUPERVISOR)
    assert admin.may(Role.SUPERVISOR) and admin.may(Role.ADMIN)
    assert Role.parse(" Supervisor ") is Role.SUPERVISOR
    with pytest.raises(UsageError, match="unknown role"):
        Role.parse("boss")


def test_the_session_cookie_is_signed(tmp_path: Path) -> None:
    secret = load_secret(tmp_path / "key")
    assert (tmp_path / "key").stat().st_mode & 0o077 == 0 and load_secret(tmp_path / "key") == secret
    codec = SessionCodec(secret, idle_seconds=900)
    cookie = codec.issue(SessionData(7, 2, "token"))
    assert codec.read(cookie) == SessionData(7, 2, "token")
    assert codec.read(cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1]) is None
    assert SessionCodec(b"another key" * 4, idle_seconds=900).read(cookie) is None
    assert codec.read("") is None and codec.read(None) is None
    token, sign_in_cookie = codec.sign_in_token()
    assert codec.sign_in_matches(sign_in_cookie, token) and not codec.sign_in_matches(sign_in_cookie, "x")
    assert not isinstance(codec.read(cookie), Expired)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        pytest.param("/documents/3?page=2", "/documents/3?page=2", id="local"),
        pytest.param("//evil.example/x", "/queue", id="protocol-relative"),
        pytest.param("https://evil.example/", "/queue", id="absolute"),
        pytest.param("/\\evil.example", "/queue", id="backslash"),
        pytest.param(None, "/queue", id="none"),
    ],
)
def test_after_sign_in_only_a_local_path_is_followed(target: str | None, expected: str) -> None:
    assert _safe_next(target) == expected


def test_web_settings_resolve_paths_and_check_tls(tmp_path: Path) -> None:
    source = tmp_path / "config.yaml"
    settings = parse_settings(
        {"web": {"tls_cert": "c.pem", "tls_key": "k.pem"}}, base=tmp_path, source=source
    )
    assert settings.web.tls_cert == tmp_path / "c.pem" and settings.web.tls
    assert settings.web.secret_key_file == tmp_path / "data" / "web-secret.key"
    assert settings.web.host == "127.0.0.1" and settings.web.idle_timeout_minutes == 15
    with pytest.raises(ConfigError, match="tls_cert and tls_key go together"):
        parse_settings({"web": {"tls_key": "k.pem"}}, base=tmp_path, source=source)
    with pytest.raises(ConfigError, match=r"web\.lockout_failures"):
        parse_settings({"web": {"lockout_failures": 0}}, base=tmp_path, source=source)


def test_the_desk_shows_the_patients_printed_identity_not_a_guarantors_reading() -> None:
    """A listed guarantor (read only in someone else's field) is a candidate, but what the document printed
    as its patient is the labelled patient's identity; a candidate read in the patient's field wins."""
    guarantor = {"last_name": "Cartwright", "first_name": "Kristan", "dob": "1996-11-16", "role": "other"}
    patient = {"last_name": "CARTWRIGHT", "first_name": "LAVERNA", "dob": "1954-07-29", "mrn": None}
    doc = Document(
        candidates=[{"mrn": "57730243", "reading": guarantor}], extraction={"identities": [patient]}
    )
    assert (printed_identity(doc)["first_name"], printed_identity(doc)["dob"]) == ("LAVERNA", "1954-07-29")
    own = guarantor | {"role": "patient"}
    doc = Document(candidates=[{"mrn": "57730243", "reading": own}], extraction={"identities": [patient]})
    assert printed_identity(doc)["first_name"] == "Kristan"
    alone = Document(candidates=[{"mrn": "57730243", "reading": guarantor}], extraction={"identities": []})
    assert printed_identity(alone)["first_name"] == "Kristan"  # nothing else was read: shown, not hidden


def test_a_document_naming_two_patients_shows_the_one_its_earliest_page_names() -> None:
    """A lab requisition with a second patient's pages sent after it: the second patient, read with the
    MRN on page 3, ranks first, but the document is about the patient page 2 names (page 1 is the cover
    sheet). Someone not on the list, named on page 1, is shown from the extractor's reading. Without a
    second patient, the best candidate's reading is shown wherever it was read."""
    second = {"last_name": "PALACIOS", "first_name": "CLEVELAND", "dob": "1947-03-04", "page": "3"}
    first = {"last_name": "Yost", "first_name": "Samatha", "dob": "1979-04-21", "page": "2"}
    candidates = [{"mrn": "20862848", "reading": second | {"role": "patient"}}]
    candidates.append({"mrn": "83880343", "reading": first | {"role": "patient"}})
    dob_only = {"last_name": None, "first_name": None, "dob": "1979-04-21", "page": 2, "role": "patient"}
    bundle = {"identities": [second | {"page": 3}, dob_only], "possibly_multiple_patients": True}
    assert printed_identity(Document(candidates=candidates, extraction=bundle))["dob"] == "1979-04-21"
    stranger = {"last_name": "Morar", "first_name": "Amado", "dob": "1986-07-10", "page": 1}
    with_stranger = bundle | {"identities": [second | {"page": 3}, dob_only, stranger | {"role": "patient"}]}
    shown = printed_identity(Document(candidates=candidates, extraction=with_stranger))
    assert (shown["last_name"], shown["dob"], shown["page"]) == ("Morar", "1986-07-10", "1")
    one = {"identities": [second | {"page": 3}], "possibly_multiple_patients": False}
    assert printed_identity(Document(candidates=candidates, extraction=one))["dob"] == "1947-03-04"
