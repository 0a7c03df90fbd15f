"""Provenance reader benchmark: our scan vs exiftool (batch mode) on the same files.

    python3 dev.py bench            # or: .venv/bin/python benchmarks/provenance/run.py

Files: every shared fixture (../shared/fixtures/provenance) plus generated JPEGs of 1, 12
and 50 megapixels carrying XMP and generator metadata. Prints per-file figures, then one
line of name=value pairs. Goals: faster per file than exiftool; peak memory scanning the
50 MP file within 1.2x of the 1 MP file (metadata is read without decoding pixels).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
FIXTURES = Path(os.environ.get("SUNLIGHT_FIXTURES", ROOT.parent / "shared" / "fixtures" / "provenance"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
    b'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def make_jpeg(path: Path, megapixels: int) -> None:
    """A photo-like JPEG (gradient with grain) of the given size, with XMP and EXIF metadata."""
    from PIL import Image

    width = int((megapixels * 1_000_000 * 4 / 3) ** 0.5)
    height = megapixels * 1_000_000 // width
    gradient = Image.linear_gradient("L").resize((width, height))
    grain = Image.effect_noise((width, height), 24)
    image = Image.merge("RGB", (gradient, Image.blend(gradient, grain, 0.35), grain))
    exif = Image.Exif()
    exif[0x0131] = "Benchmark camera firmware 1.0"
    image.save(path, "JPEG", quality=88, xmp=XMP, exif=exif)


def ensure_exiftool() -> str | None:
    found = shutil.which("exiftool")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("installing Debian's libimage-exiftool-perl for the comparison …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "libimage-exiftool-perl"],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("exiftool")


# VmHWM (peak resident set of this process image), not ru_maxrss: Linux carries ru_maxrss
# over from the parent across fork+exec, which would report the parent's peak.
PEAK_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from notes.provenance import scan
with open(sys.argv[1], 'rb') as handle:
    scan(handle)
for line in open('/proc/self/status'):
    if line.startswith('VmHWM:'):
        print(int(line.split()[1]))
"""


def peak_rss_mb(path: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT.format(root=str(ROOT)), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    from notes.provenance import scan

    work = Path(tempfile.mkdtemp(prefix="sunlight-bench-"))
    generated = {}
    for mp in (1, 12, 50):
        path = work / f"generated_{mp}mp.jpg"
        make_jpeg(path, mp)
        generated[mp] = path
    files = sorted(p for p in FIXTURES.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"})
    files += list(generated.values())
    print(f"{len(files)} files ({len(files) - 3} fixtures, 3 generated); {REPEATS} repeats each\n")

    scan(files[0].read_bytes())  # warm up: load the native C2PA library and the trust lists once
    ours: dict[Path, float] = {}
    for path in files:
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            with path.open("rb") as handle:  # from the file, as exiftool reads it
                scan(handle)
            times.append(time.perf_counter() - start)
        ours[path] = statistics.median(times) * 1000

    exiftool = ensure_exiftool()
    exif_ms_per_file = None
    if exiftool:
        runs = []
        for _ in range(max(1, REPEATS // 2)):
            start = time.perf_counter()
            subprocess.run(
                [exiftool, "-j", "-G", "-a", "-q", *map(str, files)], capture_output=True, check=False
            )
            runs.append(time.perf_counter() - start)
        exif_ms_per_file = statistics.median(runs) * 1000 / len(files)
        big_runs = []
        for _ in range(max(1, REPEATS // 2)):
            start = time.perf_counter()
            subprocess.run(
                [exiftool, "-j", "-G", "-a", "-q", str(generated[50])], capture_output=True, check=False
            )
            big_runs.append(time.perf_counter() - start)
        exif_50mp_ms = statistics.median(big_runs) * 1000
    else:
        print("exiftool not available: install Debian's libimage-exiftool-perl to compare\n")

    print(f"{'file':60} {'bytes':>10} {'ours ms':>9}")
    for path in files:
        print(f"{str(path.relative_to(path.parents[1])):60} {path.stat().st_size:>10} {ours[path]:>9.2f}")

    rss = {mp: peak_rss_mb(path) for mp, path in generated.items()}
    fixture_ms = [ours[p] for p in files if p not in generated.values()]
    figures = {
        "files": len(files),
        "ours_ms_per_file_mean": round(statistics.mean(ours.values()), 3),
        "ours_ms_per_fixture_median": round(statistics.median(fixture_ms), 3),
        "ours_ms_50mp": round(ours[generated[50]], 3),
        "rss_1mp_mb": round(rss[1], 1),
        "rss_12mp_mb": round(rss[12], 1),
        "rss_50mp_mb": round(rss[50], 1),
        "rss_ratio_50mp_vs_1mp": round(rss[50] / rss[1], 3),
        "bytes_50mp": generated[50].stat().st_size,
    }
    if exif_ms_per_file is not None:
        figures["exiftool_ms_per_file_batch"] = round(exif_ms_per_file, 3)
        figures["speedup_vs_exiftool"] = round(exif_ms_per_file / figures["ours_ms_per_file_mean"], 2)
        figures["exiftool_ms_50mp_single"] = round(exif_50mp_ms, 3)
    shutil.rmtree(work, ignore_errors=True)
    print()
    print(json.dumps(figures))
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
