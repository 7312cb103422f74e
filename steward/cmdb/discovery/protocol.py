"""The wire format both inventory agents speak: an XML ``<REQUEST>`` POSTed zlib-compressed
(FusionInventory, OCS), gzip-compressed or plain (FusionInventory ``-C``, the injector with
``--no-compression``), answered with an XML ``<REPLY>``.

The compression is decided from the first bytes, never from Content-Type (the agent says
``application/x-compress-zlib``, OCS ``application/x-compress``, the injector
``Application/x-compress``). Decompression is capped; the XML is parsed with defusedxml and
no DTD at all, so entity expansion and external entities are refused before they run.
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

ZLIB, GZIP, PLAIN = "zlib", "gzip", "plain"
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


class ProtocolError(Exception):
    """Input the endpoint refuses: ``code`` names the reason for the quarantine record,
    ``status`` is the HTTP status answered."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class Message:
    query: str
    deviceid: str
    root: Element
    compression: str
    size: int
    """Decompressed size in bytes."""

    def content(self) -> Element | None:
        return self.root.find("CONTENT")


def compression_of(body: bytes) -> str:
    """zlib streams start with a CMF byte 0x78 and a header that is a multiple of 31
    (``78 9c`` at the default level, ``78 01``/``78 da`` at others); gzip with ``1f 8b``."""
    if len(body) >= 2 and body[0] == 0x78 and (body[0] * 256 + body[1]) % 31 == 0:
        return ZLIB
    if body[:2] == b"\x1f\x8b":
        return GZIP
    return PLAIN


def decompress(body: bytes, *, max_bytes: int) -> tuple[bytes, str]:
    """The XML bytes of a request body and the compression found. Raises ProtocolError for
    a truncated or corrupt stream and for output over ``max_bytes`` (a decompression bomb
    stops there: at most ``max_bytes + 1`` bytes are ever produced)."""
    kind = compression_of(body)
    if kind == PLAIN:
        if len(body) > max_bytes:
            raise ProtocolError("too_large", f"Inventory over {max_bytes} bytes.", 413)
        return body, kind
    engine = zlib.decompressobj(zlib.MAX_WBITS if kind == ZLIB else zlib.MAX_WBITS | 16)
    try:
        data = engine.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise ProtocolError("bad_compression", f"The {kind} data is corrupt ({exc}).") from None
    if len(data) > max_bytes or engine.unconsumed_tail:
        raise ProtocolError(
            "decompression_bomb",
            f"The {kind} data expands past the limit of {max_bytes} bytes.",
            413,
        )
    if not engine.eof:
        raise ProtocolError("bad_compression", f"The {kind} data is truncated.")
    return data, kind


def compress(payload: bytes, kind: str) -> bytes:
    if kind == ZLIB:
        return zlib.compress(payload)
    if kind == GZIP:
        return gzip.compress(payload)
    return payload


def _parse(data: bytes) -> Element:
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ProtocolError(
            "xml_forbidden", f"DTDs and entities are not accepted ({type(exc).__name__})."
        ) from None
    except ParseError:
        pass
    # Agents have sent software names in Latin-1 and with control characters; read such a
    # document as UTF-8 with replacements rather than losing the whole inventory.
    text = _CONTROL.sub(b"", data).decode("utf-8", errors="replace")
    text = _DECLARATION.sub("", text, count=1)
    try:
        return fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ProtocolError(
            "xml_forbidden", f"DTDs and entities are not accepted ({type(exc).__name__})."
        ) from None
    except ParseError as exc:
        raise ProtocolError("bad_xml", f"Not well-formed XML ({exc}).") from None


def parse(body: bytes, *, max_bytes: int) -> Message:
    """The agent's message from the raw request body. Raises ProtocolError."""
    if not body.strip():
        raise ProtocolError("empty", "The request has no body.")
    data, kind = decompress(body, max_bytes=max_bytes)
    root = _parse(data)
    if root.tag != "REQUEST":
        raise ProtocolError("bad_request", f"Expected a <REQUEST> document, got <{root.tag}>.")
    query = (root.findtext("QUERY") or "").strip().upper()
    deviceid = (root.findtext("DEVICEID") or "").strip()[:255]
    if not query:
        raise ProtocolError("bad_request", "The request has no <QUERY>.")
    return Message(query=query, deviceid=deviceid, root=root, compression=kind, size=len(data))


def reply(fields: dict[str, Any]) -> bytes:
    """``<REPLY>`` with one element per field, in order."""
    inner = "".join(f"<{k}>{_escape(str(v))}</{k}>" for k, v in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<REPLY>{inner}</REPLY>\n'.encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section_list(content: Element | None, tag: str) -> list[dict[str, Any]]:
    """Every ``<TAG>`` directly under CONTENT as a dict of its children's text (a child
    that repeats becomes a list, a child with children a nested dict)."""
    if content is None:
        return []
    return [element_dict(e) for e in content.findall(tag)]


def element_dict(element: Element) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for child in element:
        value: Any = element_dict(child) if len(child) else (child.text or "").strip()
        if child.tag in result:
            previous = result[child.tag]
            result[child.tag] = (
                [*previous, value]
                if isinstance(previous, list)
                else [
                    previous,
                    value,
                ]
            )
        else:
            result[child.tag] = value
    return result
