"""Write .docx packages byte-for-byte reproducibly and replace files atomically."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

#: Every zip entry gets this timestamp, so identical input gives identical bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes) -> bytes:
    """Re-pack a .docx with fixed timestamps, attributes and a stable entry order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    order = {name: i for i, name in enumerate(src.namelist())}
    names = sorted(order, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", order[n]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(name))
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
