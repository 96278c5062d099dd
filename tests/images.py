"""Files for upload tests: real pictures and PDFs, made in memory."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg(size=(800, 600), colour="teal", **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", **options)
    return out.getvalue()


def png(size=(30, 30), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 128, 0, 128) if mode == "RGBA" else "green").save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_of_one_colour(width: int, height: int) -> bytes:
    """A complete, valid white PNG of any size, compressed row by row: the 49-megapixel one of
    the issue is about 140 KB and is made without holding its pixels in memory."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * (width * 3)  # filter byte, then white RGB pixels
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
