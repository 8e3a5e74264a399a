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
    Text,
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
    Column("navn", String(200)),  # PRIV-4: the employee's name (``person``), for lists and search
    Column("leder_navn", String(200)),  # the current leader's name (``narmeste_leder.leder_navn``)
    Column("nav_enhet", String(4), index=True),  # ACC-8: the person's NAV office (``nav_enhet``)
    Column("veileder_id", String(80), index=True),  # ACC-8: the assigned veileder; NULL: ufordelt
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
    # Delivery of a sent reminder (domain.levering): NULL for planned and cancelled rows.
    Column("nokkel", String(300)),  # the rung's identity (RP-8), how the dispatcher names it to the stream
    Column("levering", String(10)),
    Column("forsok", Integer, nullable=False, server_default="0"),
    Column("neste_forsok", DateTime(timezone=True)),  # due (or retry) time of the next attempt
    Column("lease_til", DateTime(timezone=True)),
    Column("levering_detalj", String(60)),
    Index("ix_paminnelser_forfall_status", "forfall", "status"),
    Index("ix_paminnelser_levering_neste_forsok", "levering", "neste_forsok"),
    Index("ix_paminnelser_status_forfall", "status", "forfall"),
)

# Quarantine: the persons whose stream a projection could not compute (an undecodable event, a date
# the rules cannot count with, a row the database refuses). Their rows in that projection's tables
# are removed and this row says why; it goes when the stream can be computed again (a later event,
# a rebuild). No identity numbers and no error text (it may quote data): the class and the place.
karantene = Table(
    "karantene",
    metadata,
    Column("projeksjon", String(40), primary_key=True),
    Column("person_id", String(36), primary_key=True),
    Column("versjon", Integer, nullable=False),  # the stream version that could not be computed
    Column("posisjon", BigInteger, nullable=False),  # the log position at which the runner met it
    Column("feil", String(80), nullable=False),  # the exception's class
    Column("sted", String(200), nullable=False),  # where it was raised: module:line
    Column("case_ids", JSON, nullable=False),  # the cases the projection showed for the person before
)

# Employers (``projections.virksomheter``), from the Virksomhet streams: its name (PRIV-4) and every HR
# change in stream order (``nr``) with the instant it is known from (``fra``, the command's time), so
# the HR of an employer as known at an instant (RP-9) is one indexed lookup. No personal data.
virksomheter = Table(
    "virksomheter",
    metadata,
    Column("orgnr", Text, primary_key=True),  # unbounded: the command's own, as the stream holds it
    Column("navn", Text),
    Column("versjon", Integer, nullable=False),
)

virksomhet_hr = Table(
    "virksomhet_hr",
    metadata,
    Column("orgnr", Text, primary_key=True),
    Column("nr", Integer, primary_key=True),  # 0, 1, 2, … in the stream's order
    Column("fra", DateTime(timezone=True), nullable=False),
    Column("hr_id", Text, nullable=False),
)

PROJEKSJONER: dict[str, tuple[Table, ...]] = {
    "saker": (saker, milepeler, milepel_status),
    "tidslinje": (tidslinje,),
    "paminnelser": (paminnelser,),
    "virksomheter": (virksomheter, virksomhet_hr),
}
# The projections whose rows are one person's (keyed by ``person_id``); the rest are the employers'.
PERSONPROJEKSJONER: tuple[str, ...] = ("saker", "tidslinje", "paminnelser")

# Audit log of reads (AUD-1). Not a projection: no event stream holds these rows, so a rebuild never
# empties it (it is not in PROJEKSJONER). No identity numbers (PRIV-3): an arbeidstaker who reads is
# recorded by person_id. Written and read by ``service.compliance.audit``.
revisjonslogg = Table(
    "revisjonslogg",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("tidspunkt", DateTime(timezone=True), nullable=False),
    Column("aktor_id", String(80), nullable=False),
    Column("rolle", String(12), nullable=False),
    Column("person_id", String(36)),  # whose case data was shown
    Column("case_id", String(40), index=True),
    Column("visning", String(40), nullable=False),  # what was shown
    Column("grunnlag", String(20), nullable=False),  # the access basis (ACC rule)
    Column("begrunnelse", String(500)),  # reason given (break-glass)
    Column("brudd_glass", Boolean, nullable=False),
    Column("request_id", String(64)),
    Index("ix_revisjonslogg_person_id_id", "person_id", "id"),
)

# Every command sent through the API (AUD-2): who sent it and what became of it (``utfall``: accepted,
# repeat or rejected with its ``regel``). An accepted command's row is written in the transaction that
# stores its events (``service.store.hashchain``), keyed by the position of its last event; a repeat's row holds
# the first command's position, a rejected one none. No payload, no identity numbers.
kommandologg = Table(
    "kommandologg",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("tidspunkt", DateTime(timezone=True), nullable=False),
    Column("aktor_id", String(80), nullable=False),
    Column("rolle", String(12), nullable=False),
    Column("request_id", String(64)),
    Column("type", String(40), nullable=False),
    Column("kommando_id", String(80)),  # the command's own id (VAL-4), for a repeat's answer
    Column("person_id", String(36)),
    Column("case_id", String(40)),
    Column("posisjon", BigInteger),
    Column("utfall", String(12), nullable=False, server_default="accepted"),
    Column("regel", String(20)),  # the rule that refused a rejected command
    Index("ix_kommandologg_person_id_posisjon", "person_id", "posisjon"),
    Index("ix_kommandologg_type_kommando_id", "type", "kommando_id"),
)

# ---------------------------------------------------------------- integrity and erasure (issue 7)
# Not projections: no rebuild touches them. Written by ``service.store.hashchain`` inside the event store's own
# transaction and by ``service.store.encryption``; created by migration 0004, and by the event recorder
# when it starts on a store the migrations have not reached yet (same definitions, IF NOT EXISTS).

# The hash chain (tamper evidence): one row per stored event in commit order. ``posisjon`` is gapless
# (1, 2, 3, …) where PostgreSQL notification ids may skip; ``strom_hash`` chains the stream's events
# by version, ``global_hash`` chains all rows by position. Both are keyed hashes over the stored bytes.
kjede = Table(
    "kjede",
    metadata,
    Column("posisjon", BigInteger, primary_key=True, autoincrement=False),
    Column("notification_id", BigInteger, nullable=False),
    Column("originator_id", String(36), nullable=False),
    Column("originator_version", Integer, nullable=False),
    Column("strom_hash", String(64), nullable=False),
    Column("global_hash", String(64), nullable=False),
    Index("ix_kjede_notification_id", "notification_id", unique=True),
    Index("ix_kjede_originator_id_versjon", "originator_id", "originator_version", unique=True),
)

# Data keys for encryption at rest: one or more per person (``subjekt`` = the stream id), wrapped with
# the master key. Erasure sets ``innpakket`` to NULL: the person's payloads can no longer be read.
datanokler = Table(
    "datanokler",
    metadata,
    Column("nokkel_id", String(36), primary_key=True),
    Column("subjekt", String(36), nullable=False),
    Column("innpakket", String(120)),  # base64 of nonce + AES-GCM(master, data key); NULL once destroyed
    Column("opprettet", DateTime(timezone=True), nullable=False),
    Column("makulert", DateTime(timezone=True)),
    Index("ix_datanokler_subjekt", "subjekt"),
)

# ---------------------------------------------------------------- web sessions (issue 11)
# Not a projection: written by ``service.store.sessions`` for the pages' login, shared by every API process.
# The cookie holds a random session id; only its SHA-256 is stored, so a copy of the table hands out no
# live session. A row ends at logout, at ``expires_at`` (never after the token's own expiry) and, for an
# arbeidstaker, when the person is erased (RET-3). Created by migration 0007.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("sub", String(200), nullable=False),
    Column("role", String(12), nullable=False),
    Column("person_id", String(36), index=True),  # AT only: the pseudonymous stream id
    Column("enheter", String(200)),  # NAV only: the token's offices, comma-separated (ACC-8)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

# ---------------------------------------------------------------- users' own channels (issue 14)
# Not a projection: written by ``service.store.varsling`` (PRIV-4). ``innhold`` is AES-GCM ciphertext under a
# data key of the user (``datanokler``, subject derived from the user id); only the feed token's hash is
# kept. Erased by ``syfo erase --user`` (RET-3). Created by migration 0010.
varslingsinnstillinger = Table(
    "varslingsinnstillinger",
    metadata,
    Column("bruker_id", String(200), primary_key=True),
    Column("nokkel_id", String(36), nullable=False),
    Column("innhold", Text, nullable=False),  # base64 of nonce + AES-GCM(user key, JSON settings)
    Column("kalender_hash", String(64), unique=True),  # SHA-256 of the feed token; never the token
    Column("rolle", String(12), nullable=False),  # the owner's role, for the feed's audit records
    Column("endret", DateTime(timezone=True), nullable=False),
)

# The delivery outbox (service.store.outbox, scheduler.outbox): one row per sent reminder and recipient, written
# in the transaction of its decision event. Not a projection: ``syfo rebuild`` rebuilds it from events.
# Times are microseconds since the epoch (UTC).
outbox = Table(
    "outbox",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("nokkel", String(300), nullable=False),
    Column("rolle", String(10), nullable=False),
    Column("mottaker_id", String(80)),
    Column("milepel", String(20), nullable=False),
    Column("stage", String(12), nullable=False),
    Column("send_dato", String(10), nullable=False),
    Column("forfall_us", BigInteger, nullable=False),
    Column("status", String(10), nullable=False),
    Column("forsok", Integer, nullable=False, server_default="0"),
    Column("neste_us", BigInteger, nullable=False),
    Column("eier", BigInteger),
    Column("levert_kanaler", String(200), nullable=False, server_default=""),
    Index("ix_outbox_status_neste_us", "status", "neste_us"),
)

# ---------------------------------------------------------------- read marks of the reminder page (issue 14)
# Not a projection: which reminders a user has marked read on ``/varsler`` (service.usecases.varsler). The user
# is named by their pseudonymous actor id, never a fnr (PRIV-3). Created by migration 0011.
varsler_lest = Table(
    "varsler_lest",
    metadata,
    Column("aktor_id", String(200), primary_key=True),
    Column("paminnelse_id", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),  # so an erasure can remove them (RET-3)
    Column("lest", DateTime(timezone=True), nullable=False),
)
