"""Reading request bodies safely: a size limit and strict form decoding."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import HTTPException, Request

FORM_TYPE = "application/x-www-form-urlencoded"


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, or 413 when it is larger than `limit` bytes (checked while reading)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HTTPException(400, "bad Content-Length")
        if int(declared) > limit:
            raise HTTPException(413, f"request body over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_form(request: Request, body: bytes) -> dict[str, str]:
    """Decode an urlencoded form strictly: 415 for another content type, 400 for bad bytes."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise HTTPException(415, f"expected {FORM_TYPE}")
    try:
        text = body.decode("ascii")
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "the form is not valid UTF-8 url-encoding") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    return form
