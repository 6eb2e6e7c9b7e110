"""Streaming a stored rendition with ``Range`` support and safe download headers."""

from __future__ import annotations

from flask import Response, request

from platform_shared.errors import problem_response


def ranged_response(storage, rendition, disposition: str) -> Response:
    """200 with the whole file, 206 with one satisfiable range, 416 otherwise; always an attachment."""
    total = rendition.size
    etag = rendition.sha256
    headers = {
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
        "Accept-Ranges": "bytes",
        "ETag": f'"{etag}"',
        "Cache-Control": "private, no-store",
    }
    byte_range = request.range
    if_range = request.if_range
    range_applies = (
        byte_range is not None
        and byte_range.units == "bytes"
        and len(byte_range.ranges) == 1
        and (not if_range or if_range.etag in (None, etag))
    )
    if range_applies:
        bounds = byte_range.range_for_length(total)
        if bounds is None:
            return problem_response(
                416,
                "Range not satisfiable",
                f"The file has {total} bytes.",
                slug="range-not-satisfiable",
                headers={"Content-Range": f"bytes */{total}"},
            )
        start, stop = bounds
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{total}"
        headers["Content-Length"] = str(stop - start)
        return Response(
            storage.read(rendition.storage_key, start, stop - 1),
            status=206,
            mimetype=rendition.content_type,
            headers=headers,
            direct_passthrough=True,
        )
    headers["Content-Length"] = str(total)
    return Response(
        storage.read(rendition.storage_key),
        status=200,
        mimetype=rendition.content_type,
        headers=headers,
        direct_passthrough=True,
    )
