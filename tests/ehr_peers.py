"""Real peers for the EHR tests (and bench.ehr_speed): an MLLP interface engine that ACKs what it is sent
(python-hl7's asyncio streams, hl7apy's parser), a FHIR server (http.server) that validates what it is
POSTed with fhir.resources, ADT messages built with hl7apy, and a blocking MLLP sender (python-hl7)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from hl7.client import MLLPClient
from hl7.mllp import start_hl7_server
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Message
from hl7apy.parser import parse_message

TOLERANT = VALIDATION_LEVEL.TOLERANT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Received:
    """One MDM message as the engine parsed it."""

    at: float
    control_id: str
    trigger: str
    mrn: str
    last_name: str
    first_name: str
    doc_type: str
    unique_id: str
    parent_id: str
    availability: str
    value_type: str
    content: bytes | None  # OBX-5 ED data, decoded
    pointer: str  # OBX-5 RP pointer


def read_mdm(er7: str) -> Received:
    """An MDM message read with hl7apy's parser (OBX-5 comes back as VARIES_1..5)."""
    message = parse_message(er7, validation_level=TOLERANT, find_groups=False)
    txa = message.txa
    obx = message.obx if message.children.get("OBX") else None
    value_type = obx.obx_2.value if obx is not None else ""
    parts = [c.to_er7() for c in obx.obx_5.children] if obx is not None else []
    content = base64.b64decode(parts[4]) if value_type == "ED" and len(parts) > 4 else None
    return Received(
        at=time.monotonic(),
        control_id=message.msh.msh_10.value,
        trigger=message.msh.msh_9.msg_2.value,
        mrn=message.pid.pid_3.cx_1.value,
        last_name=message.pid.pid_5.xpn_1.to_er7(),
        first_name=message.pid.pid_5.xpn_2.to_er7(),
        doc_type=txa.txa_2.value,
        unique_id=txa.txa_12.ei_1.value,
        parent_id=txa.txa_13.ei_1.value if txa.txa_13.to_er7() else "",
        availability=txa.txa_19.value,
        value_type=value_type,
        content=content,
        pointer=parts[0] if value_type == "RP" and parts else "",
    )


def ack_for(er7: str, code: str) -> bytes:
    """The engine's ACK (hl7apy) to a received message."""
    incoming = parse_message(er7, validation_level=TOLERANT, find_groups=False)
    ack = Message("ACK", version="2.5", validation_level=TOLERANT)
    ack.msh.msh_3 = "ENGINE"
    ack.msh.msh_9.msg_1, ack.msh.msh_9.msg_2 = "ACK", incoming.msh.msh_9.msg_2.value
    ack.msh.msh_10 = "ACK" + incoming.msh.msh_10.value
    ack.msh.msh_11 = "P"
    ack.msa.msa_1 = code
    ack.msa.msa_2 = incoming.msh.msh_10.value
    return str(ack.to_er7()).encode("utf-8")


@dataclass
class MllpEngine:
    """A real MLLP server on 127.0.0.1:port in its own thread; `answer` picks the ACK code per message."""

    port: int
    answer: Callable[[Received], str] = lambda _r: "AA"
    received: list[Received] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _stop: asyncio.Event | None = None

    def start(self) -> MllpEngine:
        ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main(ready)), daemon=True)
        self._thread.start()
        assert ready.wait(30), "the test MLLP engine did not start"
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(30)
        self._thread = None

    def control_ids(self) -> list[str]:
        return [r.control_id for r in self.received]

    async def _main(self, ready: threading.Event) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        server = await start_hl7_server(self._client, "127.0.0.1", self.port, limit=64 * 2**20)
        ready.set()
        async with server:
            await self._stop.wait()
            server.close()

    async def _client(self, reader: Any, writer: Any) -> None:
        try:
            while True:
                block = await reader.readblock()
                er7 = block.decode("utf-8")
                got = read_mdm(er7)
                self.received.append(got)
                writer.writeblock(ack_for(er7, self.answer(got)))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


@dataclass
class FhirServer:
    """A real HTTP server: each POSTed body is validated as a FHIR Bundle; `status` picks the answer."""

    status: Callable[[Bundle], int] = lambda _b: 200
    bundles: list[Bundle] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/fhir"

    def start(self) -> FhirServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    bundle = Bundle.model_validate_json(body)
                except ValueError as e:
                    owner.invalid.append(str(e))
                    self._reply(400, {"resourceType": "OperationOutcome"})
                    return
                owner.bundles.append(bundle)
                code = owner.status(bundle)
                self._reply(code, {"resourceType": "Bundle", "type": "transaction-response"})

            def _reply(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@dataclass(frozen=True)
class Person:
    mrn: str
    last: str
    first: str
    dob: str = ""  # YYYYMMDD
    sex: str = ""
    street: str = ""
    city: str = ""
    phone: str = ""


def adt(
    event: str,
    control_id: str,
    person: Person,
    *,
    when: dt.datetime,
    prior_mrn: str = "",
    version: str = "2.5",
) -> str:
    """An ADT message (ER7) built with hl7apy, as an EHR sends it."""
    structure = {"A40": "ADT_A39", "A28": "ADT_A05", "A31": "ADT_A05"}.get(event, "ADT_A01")
    message = Message(structure, version="2.5", validation_level=TOLERANT)
    msh = message.msh
    msh.msh_3, msh.msh_4, msh.msh_5 = "EPIC", "HOSP", "CHARTFILE"
    msh.msh_7 = when.strftime("%Y%m%d%H%M%S")
    msh.msh_9.msg_1, msh.msh_9.msg_2, msh.msh_9.msg_3 = "ADT", event, structure
    msh.msh_12.vid_1 = version  # the fields used are the same in 2.3 to 2.5
    msh.msh_10, msh.msh_11 = control_id, "P"
    message.evn.evn_2 = when.strftime("%Y%m%d%H%M%S")
    group = message.add_group("ADT_A39_PATIENT") if event == "A40" else None
    pid = group.add_segment("PID") if group is not None else message.pid
    pid.pid_3.cx_1, pid.pid_3.cx_4.hd_1, pid.pid_3.cx_5 = person.mrn, "HOSP", "MR"
    pid.pid_5.xpn_1.fn_1, pid.pid_5.xpn_2 = person.last, person.first
    if person.dob:
        pid.pid_7 = person.dob
    if person.sex:
        pid.pid_8 = person.sex
    if person.street:
        pid.pid_11.xad_1.sad_1, pid.pid_11.xad_3 = person.street, person.city
    if person.phone:
        pid.pid_13.xtn_1 = person.phone
    if group is not None:
        mrg = group.add_segment("MRG")
        mrg.mrg_1.cx_1, mrg.mrg_1.cx_4.hd_1, mrg.mrg_1.cx_5 = prior_mrn, "HOSP", "MR"
    return str(message.to_er7())


def send_all(port: int, messages: list[str | bytes]) -> list[str]:
    """Send messages over one MLLP connection (python-hl7's client); each ACK's text."""
    acks = []
    with MLLPClient("127.0.0.1", port) as client:
        client.socket.settimeout(60)
        for message in messages:
            if isinstance(message, bytes):
                acks.append(client.send(message).decode("utf-8"))
            else:
                acks.append(client.send_message(message).decode("utf-8"))
    return acks


def ack_code(ack: str) -> tuple[str, str, str]:
    """(MSA-1, MSA-2, MSA-3) of an ACK as received (MLLP framing stripped)."""
    message = parse_message(ack.strip("\x0b\x1c\r"), validation_level=TOLERANT, find_groups=False)
    return message.msa.msa_1.value, message.msa.msa_2.value, message.msa.msa_3.value
