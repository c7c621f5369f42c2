"""HTTP freshness: ETag, Last-Modified and Cache-Control, from the catalogue version alone."""

import hashlib


def static_etag(headers, path: str, url: str) -> None:
    """WhiteNoise's ETag for a static file, from its content: WhiteNoise's own comes from the
    file's time, which differs from one machine (one collectstatic) to the next."""
    with open(path, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()[:16]
    headers["ETag"] = f'"{digest}"'
