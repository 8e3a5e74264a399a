"""The read-model tables. Created and upgraded only by the Alembic migrations in ``alembic/versions``.

Every row is a function of one person's event stream, so any table can be dropped and rebuilt from
the event store with the same content. Dates are Oslo calendar dates; instants are stored in UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# The position in the notification log up to which a projection has written its rows.
posisjoner = Table(
    "projeksjon_posisjon",
    metadata,
    Column("navn", String(40), primary_key=True),
    Column("posisjon", BigInteger, nullable=False),
)

# Case summary: one row per case (TF-8), with the person's tilfelle and the current leader.
saker = Table(
    "saker",
    metadata,
    Column("case_id", String(40), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("fnr", String(40)),
    Column("orgnr", String(40), nullable=False, index=True),
    Column("start", Date, nullable=False),
    Column("slutt", Date, nullable=False),
    Column("lukkes", Date, nullable=False, index=True),
    Column("agp_tom", Date, nullable=False),
    Column("pt_start", Date, nullable=False),
    Column("pt_slutt", Date, nullable=False),
    Column("maksdato", Date),
    Column("leder_id", String(80), index=True),
    Column("versjon", Integer, nullable=False),
)

# Milestones as known at the stream's last event (``vurdert``), indexed by due date and status.
milepeler = Table(
    "milepeler",
    metadata,
    Column("person_id", String(36), nullable=False, index=True),
    Column("case_id", String(40), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("rekkefolge", Integer, nullable=False),
    Column("due", Date),
    Column("status", String(16), nullable=False),
    Column("met_on", Date),
    Column("vurdert", Date, nullable=False),
    Index("ix_milepeler_due_status", "due", "status"),
    Index("ix_milepeler_status_due", "status", "due"),
)

# The status of each milestone over time: valid from ``fra`` up to the next row's ``fra`` (MS-3).
milepel_status = Table(
    "milepel_status",
    metadata,
    Column("person_id", String(36), nullable=False, index=True),
    Column("case_id", String(40), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("fra", Date, primary_key=True),
    Column("til", Date),  # exclusive; NULL: from ``fra`` on
    Column("status", String(16), nullable=False),
    Column("met_on", Date),
    Index("ix_milepel_status_status_fra", "status", "fra"),
)

# Timeline entries: every event of the stream in order, without identity numbers.
tidslinje = Table(
    "tidslinje",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("versjon", Integer, primary_key=True),
    Column("registrert", DateTime(timezone=True), nullable=False),
    Column("hendelse", String(40), nullable=False),
    Column("case_id", String(40), index=True),
    Column("data", JSON, nullable=False),
)

# Reminders: decided ones (sent, cancelled) and every undecided rung (planned), by due time.
paminnelser = Table(
    "paminnelser",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("case_id", String(40)),
    Column("status_sak", String(40)),  # the case whose milestone gates a planned rung
    Column("orgnr", String(40)),
    Column("regel", String(10), nullable=False),
    Column("milepel", String(20), nullable=False),
    Column("stage", String(12), nullable=False),
    Column("rolle", String(10), nullable=False),
    Column("mottaker_id", String(80), index=True),
    Column("send_dato", Date, nullable=False),
    Column("forfall", DateTime(timezone=True), nullable=False),  # the 08:00 Oslo slot (RP-1)
    Column("lukkes", Date),  # planned rungs: when their tilfelle closes
    Column("samtykke_trukket", Boolean, nullable=False),  # CON-3: decided at its slot, never listed
    Column("status", String(12), nullable=False),
    Column("besluttet", DateTime(timezone=True)),
    Column("reason", String(40)),
    Index("ix_paminnelser_forfall_status", "forfall", "status"),
    Index("ix_paminnelser_status_forfall", "status", "forfall"),
)

PROJEKSJONER: dict[str, tuple[Table, ...]] = {
    "saker": (saker, milepeler, milepel_status),
    "tidslinje": (tidslinje,),
    "paminnelser": (paminnelser,),
}
