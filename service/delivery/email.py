"""E-post channel: a short Bokmål notice over SMTP, optionally upgraded with STARTTLS.

The message says only that a task exists, with a link (RP-10), as a text part and an HTML part.
Links are built from the message's base link (``SYFO_OFFENTLIG_URL``): the logged-in reminder
page ``varsler`` and, in the body and in ``List-Unsubscribe`` (RFC 2369), the user's own
settings page ``varslingsinnstillinger``, where the e-mail channel is turned off. The Message-ID is derived from
the reminder's idempotency key, so a resend carries the same Message-ID and the recipient's
mail system (or a human) can tell it is the same notice; ``X-Idempotency-Key`` carries the key.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from scheduler.kanal import EMNE, MELDINGSTEKST, Leveringsresultat, Melding, Utfall

_MESSAGE_ID_DOMENE = "syfo-tidslinje"


def lag_message_id(idempotency_key: str, avsender: str) -> str:
    """Deterministic Message-ID for a reminder: same key and sender, same id."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    _, _, domene = parseaddr(avsender)[1].rpartition("@")
    return f"<{digest}.oppgave@{domene or _MESSAGE_ID_DOMENE}>"


VARSLER_STI = "varsler"
INNSTILLINGER_STI = "varslingsinnstillinger"


def lenker(melding: Melding) -> tuple[str, str]:
    """The reminder page and the settings page, under the message's base link."""
    basis = melding.lenke if melding.lenke.endswith("/") else melding.lenke + "/"
    return basis + VARSLER_STI, basis + INNSTILLINGER_STI


def _html(oppgave: str, innstillinger: str) -> str:
    o, i = html.escape(oppgave, quote=True), html.escape(innstillinger, quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">'
        f"<title>{html.escape(EMNE)}</title></head><body>\n"
        f"<p>{html.escape(MELDINGSTEKST)}</p>\n"
        f'<p><a href="{o}">Logg inn for å se oppgaven</a></p>\n'
        f'<p style="font-size:small">Du får denne e-posten fordi du er registrert som mottaker av varsler. '
        f'<a href="{i}">Endre eller slå av varsler</a>.</p>\n</body></html>\n'
    )


def lag_epost(melding: Melding, avsender: str, adresse: str) -> EmailMessage:
    """The e-mail for ``melding``: fixed Bokmål subject, text and HTML parts with links, nothing personal."""
    epost = EmailMessage()
    epost["Subject"] = EMNE
    epost["From"] = avsender
    epost["To"] = adresse
    epost["Date"] = format_datetime(datetime.now(UTC))
    epost["Message-ID"] = lag_message_id(melding.idempotency_key, avsender)
    epost["X-Idempotency-Key"] = melding.idempotency_key
    # RFC 3834: keeps vacation responders from answering a machine.
    epost["Auto-Submitted"] = "auto-generated"
    oppgave, innstillinger = lenker(melding)
    epost["List-Unsubscribe"] = f"<{innstillinger}>"
    tekst = (
        f"{MELDINGSTEKST}\n\nLogg inn for å se oppgaven:\n{oppgave}\n\n"
        f"Du får denne e-posten fordi du er registrert som mottaker av varsler.\n"
        f"Endre eller slå av varsler:\n{innstillinger}\n"
    )
    # Quoted-printable keeps the body 7-bit, so servers without 8BITMIME take it unchanged.
    epost.set_content(tekst, charset="utf-8", cte="quoted-printable")
    epost.add_alternative(_html(oppgave, innstillinger), subtype="html", charset="utf-8", cte="quoted-printable")
    return epost


def klassifiser_smtp_kode(kode: int) -> Utfall:
    """5xx replies are permanent; 4xx and anything unexpected are worth a retry."""
    return Utfall.PERMANENT_FEIL if 500 <= kode < 600 else Utfall.MIDLERTIDIG_FEIL


class EpostKanal:
    """Delivers reminders as e-mail through one SMTP server.

    With ``starttls`` the connection is upgraded before anything is sent, verifying the server
    certificate with ``ssl_context`` or, if none is given, the system trust store. Login needs
    STARTTLS, so a password never crosses the network in clear text.
    """

    navn: str = "epost"

    def __init__(
        self,
        host: str,
        port: int,
        avsender: str,
        starttls: bool = False,
        brukernavn: str | None = None,
        passord: str | None = None,
        timeout: float = 10,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if (brukernavn is None) != (passord is None):
            raise ValueError("brukernavn og passord må gis sammen")
        if brukernavn is not None and not starttls:
            raise ValueError("innlogging krever starttls")
        _, konvolutt_avsender = parseaddr(avsender)
        if "@" not in konvolutt_avsender:
            raise ValueError(f"ugyldig avsender: {avsender!r}")
        self.host = host
        self.port = port
        self.avsender = avsender
        self._konvolutt_avsender = konvolutt_avsender
        self.starttls = starttls
        self._brukernavn = brukernavn
        self._passord = passord
        self.timeout = timeout
        # smtplib's own default context for starttls() does not verify the certificate.
        self._ssl_context = ssl_context if ssl_context is not None else ssl.create_default_context()

    def send(self, melding: Melding, adresse: str) -> Leveringsresultat:
        """Send one e-mail to ``adresse``; classify the outcome instead of raising."""
        try:
            epost = lag_epost(melding, self.avsender, adresse)
        except ValueError:
            return Leveringsresultat(Utfall.PERMANENT_FEIL, "ugyldig adresse")
        try:
            self._lever(epost, adresse)
        except smtplib.SMTPRecipientsRefused as feil:
            koder = [kode for kode, _ in feil.recipients.values()]
            permanent = bool(koder) and all(klassifiser_smtp_kode(kode) is Utfall.PERMANENT_FEIL for kode in koder)
            utfall = Utfall.PERMANENT_FEIL if permanent else Utfall.MIDLERTIDIG_FEIL
            return Leveringsresultat(utfall, f"smtp {','.join(map(str, koder))}")
        except smtplib.SMTPResponseException as feil:
            return Leveringsresultat(klassifiser_smtp_kode(feil.smtp_code), f"smtp {feil.smtp_code}")
        except smtplib.SMTPNotSupportedError:
            return Leveringsresultat(Utfall.PERMANENT_FEIL, "smtp-utvidelse mangler")
        except TimeoutError:
            return Leveringsresultat(Utfall.MIDLERTIDIG_FEIL, "tidsavbrudd")
        except ssl.SSLError:
            return Leveringsresultat(Utfall.MIDLERTIDIG_FEIL, "tls-feil")
        except OSError:  # includes SMTPServerDisconnected and refused connections
            return Leveringsresultat(Utfall.MIDLERTIDIG_FEIL, "tilkoblingsfeil")
        return Leveringsresultat(Utfall.LEVERT, "smtp 250")

    def _lever(self, epost: EmailMessage, adresse: str) -> None:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                smtp.starttls(context=self._ssl_context)
            if self._brukernavn is not None and self._passord is not None:
                smtp.login(self._brukernavn, self._passord)
            smtp.send_message(epost, from_addr=self._konvolutt_avsender, to_addrs=[adresse])
        finally:
            # Once DATA is accepted the notice is delivered; a failed QUIT must not turn that
            # into a retry (``with smtplib.SMTP(...)`` would raise on a non-221 QUIT reply).
            with contextlib.suppress(OSError):
                smtp.quit()
            smtp.close()
