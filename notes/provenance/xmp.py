"""XMP packets, parsed as untrusted XML (defusedxml: no DTDs, no entities, no network)."""

from __future__ import annotations

from dataclasses import dataclass, field

# bandit B405 is a false positive here: types only; defusedxml parses.
from xml.etree.ElementTree import Element, ParseError  # nosec B405

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
TC260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"
XMP = "http://ns.adobe.com/xap/1.0/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
DC = "http://purl.org/dc/elements/1.1/"

MAX_XMP_BYTES = 4 * 1024 * 1024

# (namespace, property) -> the name we report.
PROPERTIES = {
    (IPTC_EXT, "DigitalSourceType"): "Iptc4xmpExt:DigitalSourceType",
    (TC260, "AIGC"): "TC260:AIGC",
    (XMP, "CreatorTool"): "xmp:CreatorTool",
    (PHOTOSHOP, "Credit"): "photoshop:Credit",
    (DC, "description"): "dc:description",
    (DC, "creator"): "dc:creator",
}


class XmpUnreadable(ValueError):
    pass


@dataclass
class XmpValues:
    values: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> list[str]:
        return self.values.get(name, [])


def _clark(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


_WANTED = {_clark(ns, name): label for (ns, name), label in PROPERTIES.items()}


def _text_of(element: Element) -> list[str]:
    """A property's value in any of XMP's forms: text, rdf:resource, or an rdf:Alt/Seq/Bag of rdf:li."""
    resource = element.get(_clark(RDF, "resource"))
    if resource:
        return [resource]
    items = [li.text.strip() for li in element.iter(_clark(RDF, "li")) if li.text and li.text.strip()]
    if items:
        return items
    return [element.text.strip()] if element.text and element.text.strip() else []


def parse(packet: bytes | str) -> XmpValues:
    if isinstance(packet, str):
        packet = packet.encode("utf-8", "replace")
    if len(packet) > MAX_XMP_BYTES:
        raise XmpUnreadable("XMP packet too large")
    # Trailing NULs and padding after the packet are not XML; everything else, DOCTYPE
    # included, goes to the parser, which refuses DTDs and entities outright.
    body = packet.rstrip(b"\x00 \t\r\n")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise XmpUnreadable(f"{exc.__class__.__name__}: {exc}") from exc
    found = XmpValues()
    for description in root.iter(_clark(RDF, "Description")):
        for attribute, value in description.attrib.items():
            label = _WANTED.get(attribute)
            if label and value.strip():
                found.values.setdefault(label, []).append(value.strip())
        for child in description:
            label = _WANTED.get(child.tag)
            if label:
                found.values.setdefault(label, []).extend(_text_of(child))
    return found
