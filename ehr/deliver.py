"""The delivery worker: lease what the outbox holds, build each message, send it to its target, record
the answer (ledger.deliveries). Runs as the daemon's background thread, or once from `chartfile deliver`.

Messages of one document go out in order (a cancel never overtakes the filing it cancels); a message whose
receiver did not answer is sent again after a back-off, under the same message id / identifier, so the
receiver keeps one copy. Logs name documents by id, never a patient.
"""

from __future__ import annotations

import collections
import hashlib
import logging
import threading
from collections.abc import Callable

from chartfile.ehr import mllp
from chartfile.ehr.adt import MessageProblemError, parse
from chartfile.ehr.command import run_command
from chartfile.ehr.fhir_documents import build_bundle
from chartfile.ehr.http import post_bundle
from chartfile.ehr.v2build import build_mdm, control_id
from chartfile.errors import explain
from chartfile.ledger import Ledger, deliveries
from chartfile.records import DeliveryJob, DeliveryResult
from chartfile.settings_ehr import EhrSettings

log = logging.getLogger(__name__)
Progress = Callable[[DeliveryJob, DeliveryResult], object]


class Senders:
    """The targets' senders for one worker; the MLLP connection stays open between messages."""

    def __init__(self, ledger: Ledger, settings: EhrSettings) -> None:
        self.ledger, self.settings = ledger, settings
        self._mllp: mllp.MllpClient | None = None

    def send(self, job: DeliveryJob) -> DeliveryResult:
        try:
            pdf = self._pdf(job)
        except OSError as e:
            return DeliveryResult(
                "not-sent", f"cannot read the stored PDF ({e.strerror or type(e).__name__})"
            )
        if job.target == "mdm":
            return self._mdm(job, pdf)
        if job.target == "fhir":
            return self._fhir(job, pdf)
        return run_command(job, self.settings.command, self.settings.document_types)

    def close(self) -> None:
        if self._mllp is not None:
            self._mllp.shutdown()
            self._mllp = None

    def _pdf(self, job: DeliveryJob) -> bytes | None:
        """The stored PDF's bytes, when the message carries or hashes them (checked against the ledger)."""
        if job.event == "entered-in-error" or job.target == "command" or job.stored_path is None:
            return None
        if job.target == "mdm" and self.settings.mdm.content == "reference":
            return None
        data = job.stored_path.read_bytes()
        if job.stored_sha256 and hashlib.sha256(data).hexdigest() != job.stored_sha256:
            raise OSError(0, "the stored PDF changed while it was read")
        return data

    def _mdm(self, job: DeliveryJob, pdf: bytes | None) -> DeliveryResult:
        target = self.settings.mdm
        message = build_mdm(
            job,
            settings=target,
            types=self.settings.document_types,
            pdf=pdf,
            now=self.ledger.clock(),
            authority=self.settings.mrn_assigning_authority,
        )
        if self._mllp is None:
            self._mllp = mllp.MllpClient(
                target.host, target.port, timeout=self.settings.delivery.timeout_seconds
            )
        try:
            answer = self._mllp.exchange(message.encode("utf-8"))
        except mllp.NotSentError as e:
            return DeliveryResult("not-sent", f"cannot reach the interface engine ({e})")
        except mllp.MaybeSentError as e:
            return DeliveryResult("retry", f"no ACK from the interface engine ({e})")
        return read_ack(answer, control_id(job))

    def _fhir(self, job: DeliveryJob, pdf: bytes | None) -> DeliveryResult:
        target = self.settings.fhir
        bundle = build_bundle(
            job,
            settings=target,
            mrn_system=self.settings.mrn_system,
            types=self.settings.document_types,
            pdf=pdf,
        )
        body = bundle.model_dump_json(exclude_none=True).encode("utf-8")
        timeout = self.settings.delivery.timeout_seconds
        return post_bundle(target.base_url, body, timeout=timeout, token_file=target.bearer_token_file)


def read_ack(answer: bytes, expected_id: str) -> DeliveryResult:
    """AA/CA: delivered; AE/CE: rejected; AR/CR, or an answer to another message: retry."""
    try:
        ack = parse(answer.decode("utf-8", errors="replace"))
        code, answered = str(ack["MSA.F1"]).strip(), str(ack["MSA.F2"]).strip()
    except (MessageProblemError, KeyError, IndexError):
        return DeliveryResult("retry", "the interface engine's answer is not an ACK")
    if answered != expected_id:
        return DeliveryResult("retry", f"the ACK answers another message ({answered or 'none'})")
    if code in ("AA", "CA"):
        return DeliveryResult("delivered", f"ACK {code} {answered}")
    if code in ("AE", "CE"):
        return DeliveryResult("rejected", f"ACK {code}: the interface engine refused the document")
    return DeliveryResult("retry", f"ACK {code or '(none)'}: the interface engine could not take it now")


def deliver_pass(
    ledger: Ledger, settings: EhrSettings, senders: Senders, *, progress: Progress | None = None
) -> collections.Counter[str]:
    """Send up to `batch_size` due messages, each leased just before it is sent; how many of each outcome."""
    delivery = settings.delivery
    lease_seconds = 2 * delivery.timeout_seconds + 5  # then a sender that died is replaced
    counts: collections.Counter[str] = collections.Counter()
    down: dict[str, DeliveryResult] = {}  # a target that could not be reached is not tried again this pass
    for _ in range(delivery.batch_size):
        leased = deliveries.lease(ledger, limit=1, lease_seconds=lease_seconds)
        if not leased:
            break
        (job,) = leased
        result = down.get(job.target) or senders.send(job)
        if result.outcome == "not-sent" and result.detail.startswith("cannot reach"):
            down[job.target] = result
        deliveries.settle(
            ledger, job, result, retry_min=delivery.retry_min_seconds, retry_max=delivery.retry_max_seconds
        )
        counts[result.outcome] += 1
        _log(job, result)
        if progress is not None:
            progress(job, result)
    return counts


def _log(job: DeliveryJob, result: DeliveryResult) -> None:
    what = f"document {job.document_id} v{job.version} {job.event} to {job.target}"
    if result.outcome == "delivered":
        log.info("%s: delivered (%s)", what, result.detail)
    elif result.outcome == "rejected":
        log.error(
            "%s: rejected (%s); see `chartfile documents show %d`", what, result.detail, job.document_id
        )
    else:
        log.warning("%s: attempt %d failed (%s); it is tried again", what, job.attempts, result.detail)


def drain(
    ledger: Ledger, settings: EhrSettings, *, progress: Progress | None = None, max_passes: int = 1000
) -> collections.Counter[str]:
    """Send until nothing is due (what waits for its back-off stays queued)."""
    total: collections.Counter[str] = collections.Counter()
    senders = Senders(ledger, settings)
    try:
        for _ in range(max_passes):
            counts = deliver_pass(ledger, settings, senders, progress=progress)
            total.update(counts)
            if not counts or set(counts) <= {"not-sent", "retry"}:
                break
    finally:
        senders.close()
    return total


class DeliveryWorker(threading.Thread):
    """The daemon's background sender: a pass whenever messages are due, else a wait of `poll_seconds`."""

    def __init__(self, ledger: Ledger, settings: EhrSettings, stop: threading.Event) -> None:
        super().__init__(name="ehr-delivery", daemon=False)
        self.ledger, self.settings, self.stop = ledger, settings, stop

    def run(self) -> None:
        log.info("delivering filed documents to: %s", ", ".join(self.settings.targets()))
        senders = Senders(self.ledger, self.settings)
        try:
            while not self.stop.is_set():
                busy = self._pass(senders)
                if not busy:
                    self.stop.wait(self.settings.delivery.poll_seconds)
        finally:
            senders.close()

    def _pass(self, senders: Senders) -> bool:
        try:
            counts = deliver_pass(self.ledger, self.settings, senders)
        except Exception as e:  # a database fault: the messages stay queued, the worker goes on
            log.error("delivery pass failed (%s); trying again", explain(e).log_line())
            return False
        return bool(counts) and not set(counts) <= {"not-sent", "retry"}
