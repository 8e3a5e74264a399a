"""EpostKanal against a real aiosmtpd server on loopback, in clear text and with STARTTLS."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from scheduler.kanal import EMNE, MELDINGSTEKST, Kanal, Melding, Utfall
from service.delivery.email import EpostKanal, lag_message_id

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

AVSENDER = "ikke-svar@syfo.example"
ADRESSE = "leder@arbeidsgiver.example"
FNR = "01017012345"
MELDING = Melding(
    idempotency_key="7f1c2a4e-bd0e-4c1e-9a51-aa3f0c9e1b7d",
    mottaker_rolle="NL",
    mottaker_id=FNR,
    milepel="oppfolgingsplan",
    stage="overdue",
    tidspunkt=datetime(2025, 3, 3, 8, 0, tzinfo=UTC),
    lenke="https://syfo.example/oppgaver",
)
BRUKER, PASSORD = "syfo", "riktig-passord"


@dataclass
class Postkasse:
    """aiosmtpd handler that stores what it accepts, or answers a fixed reply in one phase."""

    avvis_i: str | None = None
    svar: str = ""
    meldinger: list[tuple[Any, EmailMessage]] = field(default_factory=list)
    over_tls: list[bool] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:  # noqa: ARG002
        if self.avvis_i == "RCPT":
            return self.svar
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: ARG002
        if self.avvis_i == "DATA":
            return self.svar
        epost = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(epost, EmailMessage)
        self.meldinger.append((envelope, epost))
        self.over_tls.append(session.ssl is not None)
        return "250 OK"


class _LoopbackController(Controller):
    """Controller on an OS-chosen port: the stock one would probe port 0 after binding."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


def _start(postkasse: Postkasse, **smtp_parametre: Any) -> _LoopbackController:
    kontroller = _LoopbackController(
        postkasse, hostname="127.0.0.1", port=0, server_hostname="mx.test", **smtp_parametre
    )
    kontroller.start()
    return kontroller


@pytest.fixture
def postkasse() -> Postkasse:
    return Postkasse()


@pytest.fixture
def server(postkasse: Postkasse) -> Iterator[_LoopbackController]:
    kontroller = _start(postkasse)
    yield kontroller
    kontroller.stop()


@dataclass(frozen=True)
class Sertifikat:
    server_kontekst: ssl.SSLContext
    klient_kontekst: ssl.SSLContext


@pytest.fixture
def sertifikat(tmp_path: Path) -> Sertifikat:
    nokkel = ec.generate_private_key(ec.SECP256R1())
    navn = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    naa = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(navn)
        .issuer_name(navn)
        .public_key(nokkel.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(naa - timedelta(hours=1))
        .not_valid_after(naa + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(nokkel.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(nokkel.public_key()), critical=False)
        .sign(nokkel, hashes.SHA256())
    )
    cert_fil, nokkel_fil = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_fil.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    nokkel_fil.write_bytes(
        nokkel.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server_kontekst = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_kontekst.load_cert_chain(cert_fil, nokkel_fil)
    klient_kontekst = ssl.create_default_context(cafile=cert_fil)
    # Python 3.13 turns this on by default; the test certificate must pass it on 3.11 too.
    klient_kontekst.verify_flags |= ssl.VERIFY_X509_STRICT
    return Sertifikat(server_kontekst, klient_kontekst)


def _kanal(kontroller: _LoopbackController, **innstillinger: Any) -> EpostKanal:
    return EpostKanal("127.0.0.1", kontroller.port, AVSENDER, timeout=5, **innstillinger)


def test_epost_is_delivered_with_neutral_subject_body_and_stable_headers(
    server: _LoopbackController, postkasse: Postkasse
) -> None:
    resultat = _kanal(server).send(MELDING, ADRESSE)

    assert resultat.utfall is Utfall.LEVERT
    [(konvolutt, epost)] = postkasse.meldinger
    assert konvolutt.mail_from == AVSENDER
    assert konvolutt.rcpt_tos == [ADRESSE]
    assert epost["Subject"] == EMNE == "Ny oppgave i Sykefraværsoppfølging"
    assert epost["To"] == ADRESSE
    assert epost["Message-ID"] == lag_message_id(MELDING.idempotency_key, AVSENDER)
    assert epost["X-Idempotency-Key"] == MELDING.idempotency_key
    tekst = _del(epost, "plain")
    assert tekst.startswith(MELDINGSTEKST)
    assert MELDING.lenke in tekst


def _del(epost: EmailMessage, subtype: str) -> str:
    del_ = epost.get_body((subtype,))
    assert del_ is not None, f"no text/{subtype} part"
    return str(del_.get_content())


def test_epost_has_bokmal_text_and_html_parts_with_links_from_the_public_url(
    server: _LoopbackController, postkasse: Postkasse
) -> None:
    """Issue 14: text and HTML parts; every link under SYFO_OFFENTLIG_URL; List-Unsubscribe to the settings page."""
    melding = Melding(**{**MELDING.__dict__, "lenke": "https://syfo.example.no/tjeneste/"})

    assert _kanal(server).send(melding, ADRESSE).utfall is Utfall.LEVERT

    [(_, epost)] = postkasse.meldinger
    assert epost.get_content_type() == "multipart/alternative"
    tekst, html = _del(epost, "plain"), _del(epost, "html")
    innstillinger = "https://syfo.example.no/tjeneste/varslingsinnstillinger"
    assert epost["List-Unsubscribe"] == f"<{innstillinger}>"
    for del_ in (tekst, html):
        assert "https://syfo.example.no/tjeneste/varsler" in del_
        assert innstillinger in del_
        assert "Logg inn for å se oppgaven" in del_
        assert "localhost" not in del_
    assert f'href="{innstillinger}"' in html
    assert '<html lang="nb">' in html
    assert MELDINGSTEKST in html


def test_a_resend_carries_the_same_message_id(server: _LoopbackController, postkasse: Postkasse) -> None:
    kanal = _kanal(server)
    annen = Melding(**{**MELDING.__dict__, "idempotency_key": "0b7e5a52-9c1d-4f0e-8e6b-3d2f1a0c9b8e"})

    kanal.send(MELDING, ADRESSE)
    kanal.send(MELDING, ADRESSE)
    kanal.send(annen, ADRESSE)

    ider = [epost["Message-ID"] for _, epost in postkasse.meldinger]
    assert ider[0] == ider[1] != ider[2]
    assert ider[0].endswith("@syfo.example>")


def test_the_epost_holds_no_personal_data(server: _LoopbackController, postkasse: Postkasse) -> None:
    _kanal(server).send(MELDING, ADRESSE)

    konvolutt, epost = postkasse.meldinger[0]
    synlig = f"{epost['Subject']}\n{_del(epost, 'plain')}\n{_del(epost, 'html')}"
    for tekst in (synlig, konvolutt.original_content.decode("ascii")):
        assert re.search(r"(?<!\d)\d{11}(?!\d)", tekst) is None
        assert "sykmelding" not in tekst.lower()
        assert MELDING.milepel not in tekst


@pytest.mark.parametrize(
    ("fase", "svar", "utfall", "detalj"),
    [
        ("DATA", "451 4.3.0 Try again later", Utfall.MIDLERTIDIG_FEIL, "smtp 451"),
        ("DATA", "550 5.7.1 Rejected", Utfall.PERMANENT_FEIL, "smtp 550"),
        ("RCPT", "450 4.2.1 Mailbox busy", Utfall.MIDLERTIDIG_FEIL, "smtp 450"),
        ("RCPT", "550 5.1.1 No such user", Utfall.PERMANENT_FEIL, "smtp 550"),
    ],
)
def test_smtp_replies_are_classified(fase: str, svar: str, utfall: Utfall, detalj: str) -> None:
    postkasse = Postkasse(avvis_i=fase, svar=svar)
    kontroller = _start(postkasse)
    try:
        resultat = _kanal(kontroller).send(MELDING, ADRESSE)
    finally:
        kontroller.stop()

    assert (resultat.utfall, resultat.detalj) == (utfall, detalj)
    assert postkasse.meldinger == []


def test_a_refused_connection_is_a_temporary_failure() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as opptatt:
        opptatt.bind(("127.0.0.1", 0))
        port = opptatt.getsockname()[1]

        resultat = EpostKanal("127.0.0.1", port, AVSENDER, timeout=5).send(MELDING, ADRESSE)

    assert (resultat.utfall, resultat.detalj) == (Utfall.MIDLERTIDIG_FEIL, "tilkoblingsfeil")


def test_an_address_with_a_line_break_is_refused_before_connecting() -> None:
    kanal = EpostKanal("127.0.0.1", 1, AVSENDER, timeout=5)

    resultat = kanal.send(MELDING, "leder@arbeidsgiver.example\r\nBcc: alle@example.org")

    assert (resultat.utfall, resultat.detalj) == (Utfall.PERMANENT_FEIL, "ugyldig adresse")


def test_starttls_with_login_delivers_over_tls(sertifikat: Sertifikat, postkasse: Postkasse) -> None:
    innlogginger: list[bytes] = []

    def autentiser(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        innlogginger.append(auth_data.login)
        if auth_data == LoginPassword(BRUKER.encode(), PASSORD.encode()):
            return AuthResult(success=True)
        # handled=False lets aiosmtpd send the 535 reply; the default leaves the client waiting.
        return AuthResult(success=False, handled=False)

    kontroller = _start(
        postkasse, require_starttls=True, tls_context=sertifikat.server_kontekst, authenticator=autentiser
    )
    try:
        riktig = _kanal(
            kontroller, starttls=True, ssl_context=sertifikat.klient_kontekst, brukernavn=BRUKER, passord=PASSORD
        ).send(MELDING, ADRESSE)
        feil = _kanal(
            kontroller, starttls=True, ssl_context=sertifikat.klient_kontekst, brukernavn=BRUKER, passord="feil"
        ).send(MELDING, ADRESSE)
        uten_tls = _kanal(kontroller).send(MELDING, ADRESSE)
        uten_tillit = _kanal(kontroller, starttls=True).send(MELDING, ADRESSE)
    finally:
        kontroller.stop()

    assert riktig.utfall is Utfall.LEVERT
    assert postkasse.over_tls == [True]
    assert set(innlogginger) == {BRUKER.encode()}
    assert (feil.utfall, feil.detalj) == (Utfall.PERMANENT_FEIL, "smtp 535")
    # The server refuses MAIL FROM until STARTTLS: a configuration error, not worth retrying.
    assert (uten_tls.utfall, uten_tls.detalj) == (Utfall.PERMANENT_FEIL, "smtp 530")
    # Without ssl_context the system trust store is used, and it does not know the test certificate.
    assert (uten_tillit.utfall, uten_tillit.detalj) == (Utfall.MIDLERTIDIG_FEIL, "tls-feil")


def test_starttls_is_required_when_the_server_does_not_offer_it(server: _LoopbackController) -> None:
    resultat = _kanal(server, starttls=True).send(MELDING, ADRESSE)

    assert (resultat.utfall, resultat.detalj) == (Utfall.PERMANENT_FEIL, "smtp-utvidelse mangler")


@pytest.mark.parametrize(
    ("innstillinger", "melding"),
    [
        ({"brukernavn": BRUKER, "passord": PASSORD}, "starttls"),
        ({"starttls": True, "brukernavn": BRUKER}, "sammen"),
        ({"avsender": "ikke en adresse"}, "avsender"),
    ],
)
def test_unsafe_or_broken_settings_are_refused_at_construction(innstillinger: dict[str, Any], melding: str) -> None:
    parametre: dict[str, Any] = {"host": "127.0.0.1", "port": 25, "avsender": AVSENDER, **innstillinger}

    with pytest.raises(ValueError, match=melding):
        EpostKanal(**parametre)


def test_epost_kanal_satisfies_the_scheduler_protocol() -> None:
    kanal: Kanal = EpostKanal("127.0.0.1", 25, AVSENDER)

    assert kanal.navn == "epost"
