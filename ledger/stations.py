"""Stations on one database: each daemon holds its station's lease (a row it renews while it runs), so a
second daemon for the same station is refused on any machine, and a crashed station's lease runs out.
Named leases let one station of many do a job once (the nightly report)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from chartfile.errors import UsageError
from chartfile.ledger.db import transaction
from chartfile.ledger.holders import Holder, gone
from chartfile.ledger.models import Lease, Station

Clock = Callable[[], dt.datetime]


class StationBusyError(UsageError):
    """Another daemon runs for this station now (on this machine or another)."""


@dataclass(frozen=True, slots=True)
class StationView:
    """One station as `status` shows it."""

    name: str
    alive: bool
    last_seen: dt.datetime
    inbox_files: int
    in_progress: int
    paused: bool
    holder: str

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "alive": self.alive,
            "last_seen": as_utc(self.last_seen).isoformat(),
            "inbox_files": self.inbox_files,
            "in_progress": self.in_progress,
            "paused": self.paused,
            "holder": self.holder,
        }


def as_utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def live(row: Station, now: dt.datetime) -> bool:
    """Whether the station's daemon runs: not stopped, lease not run out, not known gone on this machine."""
    return (
        row.stopped_at is None
        and as_utc(row.expires_at) > now
        and not gone(row.host, row.pid, row.pid_started)
    )


class StationLease:
    """This daemon's hold on its station: taken at start, renewed by `beat`, given up by `release`."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        name: str,
        holder: Holder,
        lease_seconds: float,
        clock: Clock,
    ) -> None:
        self.name = name
        self._sessions = sessions
        self._holder = holder
        self._lease = dt.timedelta(seconds=lease_seconds)
        self._clock = clock

    def acquire(self, inbox: str) -> bool:
        """Take the station (StationBusyError while another daemon holds it); True if a lease left by a
        crashed daemon was taken over."""
        now, h = self._clock(), self._holder
        values = {
            "name": self.name,
            "holder": h.token,
            "holder_name": h.name,
            "host": h.host,
            "pid": h.pid,
            "pid_started": h.started,
            "inbox": inbox,
            "started_at": now,
            "seen_at": now,
            "expires_at": now + self._lease,
            "stopped_at": None,
            "inbox_files": 0,
            "in_progress": 0,
            "paused": False,
        }
        with transaction(self._sessions) as session:
            if insert_new(session, Station, values):
                return False
            row = session.get(Station, self.name, with_for_update=True, populate_existing=True)
            assert row is not None
            if live(row, now):
                raise StationBusyError(
                    f"station {self.name}: another `chartfile watch` is already running ({row.holder_name}, "
                    f"last seen {as_utc(row.seen_at):%Y-%m-%d %H:%M:%S} UTC)",
                    hint="only one daemon may run per station; stop the other one first, or give this one "
                    "another station name (station.name in config.yaml)",
                )
            crashed = row.stopped_at is None
            for key, value in values.items():
                setattr(row, key, value)
        return crashed

    def beat(self, *, inbox_files: int, in_progress: int, paused: bool) -> bool:
        """Renew the lease and say how the station is; False if the lease was lost (taken over)."""
        now = self._clock()
        with transaction(self._sessions) as session:
            done = session.execute(
                update(Station)
                .where(Station.name == self.name, Station.holder == self._holder.token)
                .values(
                    seen_at=now,
                    expires_at=now + self._lease,
                    inbox_files=inbox_files,
                    in_progress=in_progress,
                    paused=paused,
                )
            )
        return bool(getattr(done, "rowcount", 1) == 1)

    def release(self) -> None:
        """The daemon stopped cleanly: the station is free at once."""
        now = self._clock()
        with transaction(self._sessions) as session:
            session.execute(
                update(Station)
                .where(Station.name == self.name, Station.holder == self._holder.token)
                .values(stopped_at=now, expires_at=now, seen_at=now, in_progress=0)
            )


def stations(session: Session, now: dt.datetime) -> list[StationView]:
    """Every station that ever ran on this database, by name."""
    return [
        StationView(
            name=row.name,
            alive=live(row, now),
            last_seen=row.seen_at,
            inbox_files=row.inbox_files,
            in_progress=row.in_progress,
            paused=row.paused,
            holder=row.holder_name,
        )
        for row in session.scalars(select(Station).order_by(Station.name))
    ]


def take_lease(session: Session, name: str, holder: Holder, *, until: dt.datetime, now: dt.datetime) -> bool:
    """Hold the named lease until `until` unless another holder's is still running; True if held."""
    values = {"name": name, "holder": holder.token, "holder_name": holder.name, "expires_at": until}
    if insert_new(session, Lease, values):
        return True
    row = session.get(Lease, name, with_for_update=True, populate_existing=True)
    if row is None:
        return insert_new(session, Lease, values)
    if row.holder != holder.token and as_utc(row.expires_at) > now:
        return False
    row.holder, row.holder_name, row.expires_at = holder.token, holder.name, until
    return True


def drop_lease(session: Session, name: str, holder: Holder, *, now: dt.datetime) -> None:
    """Give the named lease up (it expires at once)."""
    session.execute(
        update(Lease).where(Lease.name == name, Lease.holder == holder.token).values(expires_at=now)
    )


def insert_new(session: Session, model: type[Station] | type[Lease], values: dict[str, Any]) -> bool:
    """Insert the row unless one with its key exists (atomic in the database); True if inserted."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(model).values(**values).on_conflict_do_nothing()
    return session.execute(statement.returning(model.name)).first() is not None
