"""One ADT message in, its ACK out: read it (ehr.adt), apply it to the master list (upsert, or the A40 merge
exactly as `patients merge` makes it), and answer AA; or answer AE (its content) / AR (rejected, or
chartfile could not store it now: send it again) and keep a message chartfile did not take for a person.

Logged by control id and event, never by patient.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from chartfile.clerk.master_list import apply_patient, merge_into
from chartfile.ehr import adt
from chartfile.ehr.kept import keep
from chartfile.ehr.v2build import Ack, build_ack
from chartfile.errors import MachineError, UsageError, explain
from chartfile.ledger import Ledger
from chartfile.settings import Settings

log = logging.getLogger(__name__)
SAID = {
    "inserted": "patient added",
    "updated": "patient updated",
    "unchanged": "patient unchanged",
    "stale": "older than the stored record: not applied",
}


@dataclass(frozen=True, slots=True)
class Receiver:
    """What the listener's handler needs: the ledger and the settings (zone, MRN authority, kept folder)."""

    ledger: Ledger
    settings: Settings

    def __call__(self, raw: bytes) -> bytes:
        now = self.ledger.clock()
        header: adt.Header | None = None
        try:
            message = adt.parse(raw.decode("utf-8", errors="replace"))
            header = adt.read_header(message, zone=self.settings.report.zone())
            ack = self._apply(message, header)
        except adt.MessageProblemError as e:
            ack = self._refuse(raw, header, e.ack, e.code, e.message, now=now, control_id=e.control_id)
        except UsageError as e:  # a merge that cannot be made
            ack = self._refuse(raw, header, "AE", "204", e.message, now=now)
        except (MachineError, SQLAlchemyError, OSError) as e:  # not the message's fault: the sender retries
            why = explain(e).log_line()
            log.error("%s: not stored (%s); answered AR so that it is sent again", _name(header), why)
            ack = _answer(header, "AR", "chartfile could not store the message now; send it again", "207")
        except Exception as e:  # a bug: the message is kept, the listener goes on
            ack = self._refuse(raw, header, "AR", "207", f"internal error ({explain(e).line()})", now=now)
        return self._render(ack, now)

    def _apply(self, message: object, header: adt.Header) -> Ack:
        ehr = self.settings.ehr
        news = adt.read_adt(
            message, header, authority=ehr.mrn_assigning_authority, zone=self.settings.report.zone()
        )
        applied = apply_patient(self.ledger, news.update)
        if applied.result == "incomplete":
            raise adt.MessageProblemError(
                "a new patient needs PID-5 (name) and PID-7 (birth date)",
                ack="AE",
                code="101",
                control_id=header.control_id,
            )
        text = SAID[applied.result]
        if news.prior_mrn is not None:
            how, moved = merge_into(
                self.ledger, news.prior_mrn, news.update.patient.mrn, reason=news.update.source
            )
            text += f"; {how} ({moved} document(s) moved)"
        log.info("%s: AA (%s)", _name(header), text)
        return _answer(header, "AA", text)

    def _refuse(
        self,
        raw: bytes,
        header: adt.Header | None,
        code: str,
        error_code: str,
        reason: str,
        *,
        now: dt.datetime,
        control_id: str = "",
    ) -> Ack:
        kept = keep(
            self.settings.ehr.listener.kept,
            raw,
            now=now,
            ack=code,
            error_code=error_code,
            reason=reason,
            message=_name(header),
            control_id=(header.control_id if header else control_id),
        )
        log.warning("%s: %s %s (%s); kept as %s", _name(header), code, error_code, reason, kept.name)
        return _answer(header, code, reason, error_code, control_id=control_id)

    def _render(self, ack: Ack, now: dt.datetime) -> bytes:
        listener = self.settings.ehr.listener
        text = build_ack(
            ack,
            application=listener.receiving_application,
            facility=listener.receiving_facility,
            now=now,
            control_id=f"CFA{uuid.uuid4().hex[:17]}",  # MSH-10: at most 20 characters
        )
        return text.encode("utf-8")


def _answer(
    header: adt.Header | None, code: str, text: str, error_code: str = "", control_id: str = ""
) -> Ack:
    if header is None:
        return Ack(code, control_id, text, error_code)
    return Ack(code, header.control_id, text, error_code, version=header.version, event=header.event)


def _name(header: adt.Header | None) -> str:
    return f"{header.name} {header.control_id}" if header else "a message without a readable MSH"
