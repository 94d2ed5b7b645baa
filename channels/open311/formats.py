"""Open311 GeoReport v2 bodies as JSON or XML, from the same Python values.

The spec names the XML element of each list's items (``<services><service>``,
``<service_requests><request>``…); JSON is the plain list or object.
"""

from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse, JsonResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# list key (or root) -> element name of its items
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    _fill(element, name, value)


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        item_name = ITEM_NAMES.get(name, "item")
        for item in value:
            _append(element, item_name, item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, root, value)
    body: bytes = ET.tostring(element, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def render(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    """One response body in the requested format; root names the XML document element."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, value), status=status, content_type=FORMATS["xml"])
    return JsonResponse(value, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error shape: a list of {code, description}, with the HTTP status as code."""
    body = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, "errors", body, status=status)
