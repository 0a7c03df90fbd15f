"""Provenance reader benchmark: our scan vs exiftool (batch mode) on the same files.

    python3 dev.py bench            # or: .venv/bin/python benchmarks/provenance/run.py

Files: every shared fixture (../shared/fixtures/provenance) plus generated JPEGs of 1, 12
and 50 megapixels carrying XMP and generator metadata, and signed MP4s of about 2 MB and 200 MB
carrying the GB 45438 label. Prints per-file figures, then one line of name=value pairs. Goals:
faster per file than exiftool; peak memory scanning the 50 MP file within 1.2x of the 1 MP file
(metadata is read without decoding pixels), and the 200 MB video within 1.2x of the 2 MB one
(read box by box).
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


def make_video(path: Path, megabytes: int, *, sign: bool, merkle_kb: int | None = 1024) -> None:
    """A real MP4 of noise frames (it barely compresses), about ``megabytes`` large, with the GB 45438
    label as a container key and, if ``sign``, a C2PA manifest (the c2pa-python test certificate)."""
    import io

    import av
    import numpy as np

    from tests.provenance import videos

    width, height = (1920, 1080) if megabytes > 20 else (640, 360)
    rng = np.random.default_rng(7)
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4", options={"movflags": "use_metadata_tags"}) as out:
        out.metadata["AIGC"] = json.dumps(videos.AIGC_LABEL)
        stream = out.add_stream("mpeg4", rate=24)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.options = {"qscale": "2"}
        stream.codec_context.bit_rate = 400_000_000
        while buffer.tell() < megabytes * 1024 * 1024:
            frame = av.VideoFrame.from_ndarray(
                rng.integers(0, 255, (height, width, 3), dtype=np.uint8), format="rgb24"
            )
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    data = buffer.getvalue()
    del buffer
    if sign:
        data = videos.signed(data, source_type=videos.DST + "trainedAlgorithmicMedia", merkle_kb=merkle_kb)
    path.write_bytes(data)


def video_figures(work: Path) -> dict:
    """Scan time and peak memory for a 2 MB and a 200 MB signed video, side by side (their media
    hashed in 1 MB Merkle chunks), and the peak for a 200 MB video hashed as one range."""
    from notes.provenance import scan

    made = {}
    for megabytes in (2, 200):
        path = work / f"video_{megabytes}mb.mp4"
        make_video(path, megabytes, sign=True)
        made[megabytes] = path
    times = {}
    for megabytes, path in made.items():
        runs = []
        for _ in range(max(1, REPEATS // 2)):
            start = time.perf_counter()
            with path.open("rb") as handle:
                result = scan(handle)
            runs.append(time.perf_counter() - start)
        assert result.tier == "confirmed", result
        times[megabytes] = statistics.median(runs) * 1000
    rss = {megabytes: peak_rss_mb(path) for megabytes, path in made.items()}
    # A long video signed with one hash over all its media: c2pa-rs reads that range in one go.
    single = work / "video_200mb_single_hash.mp4"
    make_video(single, 200, sign=True, merkle_kb=None)
    single_rss = peak_rss_mb(single)
    return {
        "video_bytes_2mb": made[2].stat().st_size,
        "video_bytes_200mb": made[200].stat().st_size,
        "video_scan_ms_2mb": round(times[2], 1),
        "video_scan_ms_200mb": round(times[200], 1),
        "video_rss_2mb_mb": round(rss[2], 1),
        "video_rss_200mb_mb": round(rss[200], 1),
        "video_rss_ratio_200mb_vs_2mb": round(rss[200] / rss[2], 3),
        "video_rss_200mb_single_hash_mb": round(single_rss, 1),
    }


def make_1080p(path: Path, seconds: int, fps: int = 30) -> None:
    """A 1080p H.264 clip with motion in every frame (a flat picture would flatter the encoder)."""
    import av
    import numpy as np

    with av.open(str(path), mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps, options={"crf": "20", "preset": "veryfast"})
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        sound = out.add_stream("aac", rate=48000)
        ys, xs = np.mgrid[0:1080, 0:1920]
        for index in range(seconds * fps):
            shift = index * 8
            frame = np.stack(
                [(xs + shift) % 256, (ys + shift // 2) % 256, ((xs + ys) // 4 + shift) % 256], axis=-1
            ).astype(np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
        from tests.provenance.videos import _tone

        _tone(sound, out, float(seconds))


def transcode_figures(work: Path, seconds: int = 10) -> dict:
    """Seconds of wall time the media queue spends per second of 1080p video (the web rendition and
    the poster, as ``notes.tasks.process_video`` makes them), on this machine's cores."""
    from notes import video_media

    source = work / "source_1080p.mp4"
    make_1080p(source, seconds)
    start = time.perf_counter()
    result = video_media.transcode(source, work / "rendition.mp4", limits=video_media.Limits())
    elapsed = time.perf_counter() - start
    return {
        "transcode_1080p_video_seconds": seconds,
        "transcode_1080p_wall_seconds": round(elapsed, 2),
        "transcode_seconds_per_video_second_1080p": round(elapsed / result.duration, 3),
        "transcode_cpu_cores": os.cpu_count(),
    }


def whole_process(work: Path, exiftool: str | None, count: int = 1000) -> dict:
    """Whole-process time over ``count`` files (the fixtures, copied round-robin): our command
    line with one and with two processes, and exiftool -j over the same folder, side by side."""
    import itertools

    folder = work / "many"
    folder.mkdir()
    sources = sorted(p for p in FIXTURES.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"})
    for index, source in zip(range(count), itertools.cycle(sources), strict=False):
        shutil.copy(source, folder / f"{index:04d}{source.suffix}")

    def timed(command: list[str]) -> float:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    ours = [sys.executable, "-m", "notes.provenance", str(folder), "--json"]
    figures = {
        "whole_files": count,
        "whole_ours_s": round(timed(ours), 3),  # the default: one process per core for this many files
        "whole_ours_jobs1_s": round(timed([*ours, "--jobs", "1"]), 3),
    }
    if exiftool:
        figures["whole_exiftool_s"] = round(timed([exiftool, "-j", "-G", "-a", "-q", str(folder)]), 3)
        figures["whole_ratio_ours_vs_exiftool"] = round(
            figures["whole_ours_s"] / figures["whole_exiftool_s"], 3
        )
        figures["whole_ratio_jobs1_vs_exiftool"] = round(
            figures["whole_ours_jobs1_s"] / figures["whole_exiftool_s"], 3
        )
    return figures


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
    figures.update(video_figures(work))
    figures.update(transcode_figures(work))
    figures.update(whole_process(work, exiftool))
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
