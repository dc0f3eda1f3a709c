"""The QR code of a visit's feedback link, drawn here as SVG: no outside service sees the link."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, title: str) -> SafeString:
    """An inline SVG of the QR code of `url`, scaled by CSS, dark on white so that a phone's
    camera reads it also on a dark screen. `title` is its accessible name."""
    code = segno.make(url, error="m")
    # segno escapes the title and writes only attributes and a path, which the page's
    # Content-Security-Policy allows (no inline style).
    return mark_safe(  # noqa: S308
        code.svg_inline(
            scale=4,
            border=4,
            dark="#000",
            light="#fff",
            title=title,
            svgclass="qr-code",
            omitsize=True,
        )
    )
