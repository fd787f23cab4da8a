"""Email channel: one message over SMTP with a plain-text and an HTML part.

Why aiosmtplib rather than ``smtplib`` in a thread: the daemon is asyncio already, and
aiosmtplib gives STARTTLS, implicit TLS and the timeout on the same event loop, with no
thread per delivery and no thread left hanging when a server stalls past the timeout.

The ``Message-ID`` is derived from the delivery's idempotency key, so if a retry follows a
send whose answer was lost, the two copies carry the same id and mail readers (and people)
can tell it is a resend. ``X-Listener-Alert`` and ``X-Listener-Event`` let a mail rule sort
alerts without reading the subject.

What an SMTP failure means for the outbox:

- every recipient refused, or any 5xx reply (bad sender, failed login, message refused),
  a server without STARTTLS, a certificate that does not verify: permanent — fix settings;
- connection refused or reset, timeouts, 4xx replies (greylisting, a full queue): transient.
"""

from __future__ import annotations

import hashlib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib
import regex

from alerts.channels.base import DeliveryError, SendContext
from alerts.channels.render import ensure_filters, render_text, template_context
from alerts.escaping import oneline
from alerts.message import AlertMessage
from listener.config.channels import EmailChannel

SETTINGS = EmailChannel
SUBJECT_TEMPLATE = "alerts/email_subject.txt.j2"
TEXT_TEMPLATE = "alerts/email.txt.j2"
HTML_TEMPLATE = "alerts/email.html"
# What `listener check` renders.
TEMPLATES = (SUBJECT_TEMPLATE, TEXT_TEMPLATE, HTML_TEMPLATE)
SUBJECT_CHARS = 200  # RFC 5322 asks for lines under 78; a subject is folded, not refused
_DOMAIN = regex.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def message_id(idempotency_key: str, sender: str) -> str:
    """``<hash@sender-domain>``: the same for every attempt of one delivery."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    domain = parseaddr(sender)[1].rpartition("@")[2]
    if not _DOMAIN.fullmatch(domain):
        domain = "listener.invalid"
    return f"<alert.{digest}@{domain}>"


def build_email(ctx: SendContext, settings: EmailChannel, message: AlertMessage) -> EmailMessage:
    ensure_filters(ctx)
    context = template_context(ctx, message)
    subject = oneline(ctx.templates.render(SUBJECT_TEMPLATE, **context), SUBJECT_CHARS)
    email = EmailMessage()
    email["Subject"] = subject or f"listener alert #{message.alert_id}"
    email["From"] = settings.sender
    email["To"] = ", ".join(settings.to)
    email["Date"] = format_datetime(ctx.clock())
    email["Message-ID"] = message_id(message.idempotency_key, settings.sender)
    email["X-Listener-Alert"] = str(message.alert_id)
    email["X-Listener-Event"] = message.event.value
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to us
    email.set_content(render_text(ctx, TEXT_TEMPLATE, message))
    email.add_alternative(ctx.templates.render(HTML_TEMPLATE, **context), subtype="html")
    return email


def _where(settings: EmailChannel) -> str:
    return f"SMTP server {settings.host}:{settings.port}"


async def send(ctx: SendContext, settings: EmailChannel, message: AlertMessage) -> None:
    email = build_email(ctx, settings, message)
    login = settings.username is not None and settings.password is not None
    where = _where(settings)
    try:
        refused, _ = await aiosmtplib.send(
            email,
            sender=parseaddr(settings.sender)[1] or settings.sender,
            recipients=settings.to,
            hostname=settings.host,
            port=settings.port,
            username=settings.username if login else None,
            password=settings.password.get_secret_value() if login and settings.password else None,
            use_tls=settings.security == "tls",
            start_tls=settings.security == "starttls",
            timeout=settings.timeout.total_seconds(),
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        names = ", ".join(f"{r.recipient} ({r.code} {r.message})" for r in exc.recipients)
        raise DeliveryError(
            f"{where} refused every recipient: {names}; check `to`", permanent=True
        ) from None
    except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError) as exc:
        raise DeliveryError(f"could not reach {where}: {exc}") from None
    except aiosmtplib.SMTPServerDisconnected as exc:
        raise DeliveryError(f"{where} closed the connection: {exc}") from None
    except aiosmtplib.SMTPResponseException as exc:
        permanent = exc.code >= 500
        hint = " — check the sender, login and security settings" if permanent else ""
        raise DeliveryError(
            f"{where} answered {exc.code} {exc.message}{hint}", permanent=permanent
        ) from None
    except aiosmtplib.SMTPException as exc:  # e.g. STARTTLS not offered: a settings matter
        raise DeliveryError(
            f"{where}: {exc}; check `security` (starttls, tls or none) and `port`",
            permanent=True,
        ) from None
    except ssl.SSLError as exc:
        raise DeliveryError(
            f"TLS with {where} failed ({exc.reason or exc}); is `security` right for this port,"
            " and does the server's certificate verify?",
            permanent=True,
        ) from None
    except OSError as exc:
        raise DeliveryError(f"could not reach {where}: {exc}") from None
    if refused:  # some recipients took it: delivered, but someone is missing alerts
        ctx.log.warning(
            "%s refused %d recipient(s) of alert %d: %s",
            where, len(refused), message.alert_id, ", ".join(sorted(refused)),
            extra={"refused": sorted(refused)},
        )  # fmt: skip
