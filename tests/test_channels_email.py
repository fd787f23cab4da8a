"""The email channel against a real SMTP server (aiosmtpd) on a free local port: plain,
STARTTLS with login, and implicit TLS, with a self-signed certificate made for the test."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from alerts.channels import email as email_channel
from alerts.channels.base import DeliveryError
from alerts.message import AlertMessage
from listener.config.channels import EmailChannel
from listener.models import AlertKind, DeliveryEvent
from tests.channel_messages import BENGALI, LONG, context, message


@dataclass
class Sink:
    """What the server saw: each message, whether its session was TLS and logged in."""

    messages: list[EmailMessage] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    refuse_rcpt: bool = False
    data_reply: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_rcpt:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        self.logins.append(session.auth_data.decode() if session.auth_data else "")
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 accepted"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth: Any
) -> AuthResult:
    ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == (b"bot", b"pw")
    return AuthResult(success=ok, handled=False, auth_data=auth.login if ok else None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made now (nothing secret is checked in)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(*certificate)
    return tls


def _serve(sink: Sink, **kwargs: Any) -> Iterator[int]:
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture
def plain_port(sink: Sink) -> Iterator[int]:
    yield from _serve(sink)


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's certificate is the machine's trust store for this test (OpenSSL reads
    SSL_CERT_FILE), as an operator's private CA would be."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


def _settings(port: int, **overrides: Any) -> EmailChannel:
    values: dict[str, Any] = {
        "name": "mail",
        "type": "email",
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "sender": "Listener <alerts@acme.example>",
        "to": ["team@acme.example", "lead@acme.example"],
        "timeout": "5s",
    }
    values.update(overrides)
    return EmailChannel.model_validate(values)


def _send(settings: EmailChannel, msg: AlertMessage) -> None:
    async def main() -> None:
        async with httpx.AsyncClient() as http:
            await email_channel.send(context(http), settings, msg)

    asyncio.run(main())


def test_email_has_text_and_html_parts_with_escaped_html(sink: Sink, plain_port: int) -> None:
    msg = message()
    _send(_settings(plain_port), msg)
    (received,) = sink.messages
    assert sink.recipients == [["team@acme.example", "lead@acme.example"]]
    assert received.get_content_type() == "multipart/alternative"
    # (Python's header folding may double a space before an encoded emoji: compare words.)
    subject = " ".join(str(received["Subject"]).split())
    assert subject == "[HIGH] complaint: Rita says <!channel> *refund* @everyone 😡"
    assert received["From"] == "Listener <alerts@acme.example>"
    assert received["X-Listener-Alert"] == "7"
    assert received["X-Listener-Event"] == "new"
    assert received["Message-ID"].endswith("@acme.example>")
    text_part = received.get_body(preferencelist=("plain",))
    html_part = received.get_body(preferencelist=("html",))
    assert text_part is not None and html_part is not None
    text = text_part.get_content()
    html = html_part.get_content()
    assert "<script>alert(1)</script>" in text  # plain text shows the post as written
    assert BENGALI in text and BENGALI in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Rita *R* &lt;!here&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html
    assert 'href="https://listener.example/alerts/7"' in html
    assert "\x1b" not in text and "\x1b" not in html


def test_a_resend_carries_the_same_message_id(sink: Sink, plain_port: int) -> None:
    _send(_settings(plain_port), message())
    _send(_settings(plain_port), message())
    _send(_settings(plain_port), message(event=DeliveryEvent.ESCALATION))
    first, again, escalation = (m["Message-ID"] for m in sink.messages)
    assert first == again
    assert escalation != first  # another delivery, another key


def test_subject_is_one_capped_line(sink: Sink, plain_port: int) -> None:
    _send(
        _settings(plain_port),
        message(AlertKind.INCIDENT, title="a\r\nBcc: x@evil.example\n" + LONG),
    )
    subject = str(sink.messages[0]["Subject"])
    assert "\n" not in subject and "\r" not in subject
    assert subject.startswith("[HIGH] a Bcc: x@evil.example word")
    assert len(subject) <= email_channel.SUBJECT_CHARS
    assert "Bcc" not in [k for k in sink.messages[0]]


def test_escalation_email_is_marked(sink: Sink, plain_port: int) -> None:
    _send(_settings(plain_port), message(event=DeliveryEvent.ESCALATION))
    received = sink.messages[0]
    assert str(received["Subject"]).startswith("[ESCALATED] [HIGH]")
    html = received.get_body(preferencelist=("html",))
    assert html is not None and "not acknowledged within 34m — escalated" in html.get_content()


def test_a_refused_connection_is_transient() -> None:
    with pytest.raises(DeliveryError) as caught:
        _send(_settings(_free_port()), message())
    assert not caught.value.permanent
    assert "could not reach SMTP server 127.0.0.1" in str(caught.value)


def test_every_recipient_refused_is_permanent(sink: Sink, plain_port: int) -> None:
    sink.refuse_rcpt = True
    with pytest.raises(DeliveryError) as caught:
        _send(_settings(plain_port), message())
    assert caught.value.permanent
    assert "team@acme.example (550" in str(caught.value)


def test_a_4xx_reply_is_transient_and_a_5xx_permanent(sink: Sink, plain_port: int) -> None:
    sink.data_reply = "451 4.3.0 try again later"
    with pytest.raises(DeliveryError) as caught:
        _send(_settings(plain_port), message())
    assert not caught.value.permanent and "451" in str(caught.value)
    sink.data_reply = "554 5.6.0 message refused"
    with pytest.raises(DeliveryError) as caught:
        _send(_settings(plain_port), message())
    assert caught.value.permanent and "554" in str(caught.value)


@pytest.mark.usefixtures("trusted")
def test_starttls_with_login(sink: Sink, certificate: tuple[Path, Path]) -> None:
    tls = _server_tls(certificate)
    for port in _serve(sink, tls_context=tls, require_starttls=True, authenticator=_authenticate):
        _send(_settings(port, security="starttls", username="bot", password="pw"), message())
    assert sink.tls == [True]
    assert sink.logins == ["bot"]


@pytest.mark.usefixtures("trusted")
def test_wrong_password_is_permanent(sink: Sink, certificate: tuple[Path, Path]) -> None:
    tls = _server_tls(certificate)
    for port in _serve(sink, tls_context=tls, require_starttls=True, authenticator=_authenticate):
        with pytest.raises(DeliveryError) as caught:
            _send(_settings(port, security="starttls", username="bot", password="no"), message())
    assert caught.value.permanent
    assert "535" in str(caught.value)
    assert "no" not in str(caught.value).split("answered")[0]  # the password is not quoted
    assert sink.messages == []


@pytest.mark.usefixtures("trusted")
def test_implicit_tls(sink: Sink, certificate: tuple[Path, Path]) -> None:
    for port in _serve(sink, ssl_context=_server_tls(certificate)):
        _send(_settings(port, security="tls"), message(AlertKind.DIGEST, DeliveryEvent.DIGEST))
    assert sink.tls == [True]
    assert "Top complaints" in str(sink.messages[0].get_body(preferencelist=("plain",)))


def test_an_untrusted_certificate_is_permanent(sink: Sink, certificate: tuple[Path, Path]) -> None:
    for port in _serve(sink, tls_context=_server_tls(certificate), require_starttls=True):
        with pytest.raises(DeliveryError) as caught:
            _send(_settings(port, security="starttls"), message())
    assert caught.value.permanent
    assert "certificate" in str(caught.value)
    assert sink.messages == []


def test_starttls_against_a_server_without_it_is_permanent(sink: Sink, plain_port: int) -> None:
    with pytest.raises(DeliveryError) as caught:
        _send(_settings(plain_port, security="starttls"), message())
    assert caught.value.permanent
    assert "security" in str(caught.value)
