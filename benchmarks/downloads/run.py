"""Memory of concurrent original-size downloads: rendering per request (before) vs stored bytes (now).

    .venv/bin/python benchmarks/downloads/run.py

The probe's bomb is a 233 KB PNG of 7,745 × 7,745 RGBA pixels (60 MP, 240 MB decoded). Before,
each anonymous download decoded and re-encoded it; now intake refuses it (decoded bytes are bounded)
and a download of any accepted image is rendered once per label state and then streamed from
storage. Each scenario runs in a fresh process with four concurrent requests; the figure is the
growth of peak resident memory over the process's baseline. Ends with one line of name=value pairs.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONCURRENT = int(os.environ.get("BENCH_CONCURRENT", "4"))


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def bomb_png(side: int = 7745) -> bytes:
    """A real, fully decodable RGBA PNG of side × side transparent pixels, compressed to ~KBs."""
    row = b"\x00" + b"\x00" * (side * 4)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scenario(name: str, path: str) -> None:
    """Run in a child process: CONCURRENT threads do the scenario's work on the file at ``path``."""
    sys.path.insert(0, str(ROOT))
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = None  # the old code path relied on the 60 MP check only
    data = Path(path).read_bytes()
    baseline = _peak_mb()

    def render_per_request() -> None:  # what every download did before
        source = Image.open(io.BytesIO(data))
        source.load()
        upright = ImageOps.exif_transpose(source)
        out = io.BytesIO()
        upright.save(out, "PNG")

    def intake_now() -> None:  # what an upload of the bomb does now
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")
        from core.uploads import UploadRejected
        from notes import media

        with contextlib.suppress(UploadRejected):
            media.process_image(data)

    def stream_stored() -> None:  # what every download does now, once the file is stored
        with open(path, "rb") as handle:
            while handle.read(64 * 1024):
                pass

    scenarios = {
        "render_per_request": render_per_request,
        "intake_now": intake_now,
        "stream_stored": stream_stored,
    }
    work = scenarios[name]
    threads = [threading.Thread(target=work) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"baseline_mb": round(baseline, 1), "growth_mb": round(_peak_mb() - baseline, 1)}))


def main() -> None:
    if len(sys.argv) == 3:
        _scenario(sys.argv[1], sys.argv[2])
        return
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.png"
        bomb.write_bytes(bomb_png())
        size_kb = bomb.stat().st_size // 1024
        print(f"bomb: {size_kb} KB file, 7745 x 7745 RGBA, {CONCURRENT} concurrent requests")
        results = {}
        for name in ("render_per_request", "intake_now", "stream_stored"):
            command = [sys.executable, __file__, name, str(bomb)]
            done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
            out = done.stdout.strip().splitlines()[-1]
            results[name] = json.loads(out)
            figures = results[name]
            print(f"{name:>20}: peak RSS +{figures['growth_mb']} MB over {figures['baseline_mb']} MB")
        before = results["render_per_request"]["growth_mb"]
        now = max(results["intake_now"]["growth_mb"], results["stream_stored"]["growth_mb"], 0.1)
        print(
            f"bomb_kb={size_kb} concurrent={CONCURRENT} before_mb={before} "
            f"intake_mb={results['intake_now']['growth_mb']} "
            f"stored_mb={results['stream_stored']['growth_mb']} "
            f"ratio={before / now:.0f}"
        )


if __name__ == "__main__":
    main()
