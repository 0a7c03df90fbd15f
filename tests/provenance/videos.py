"""Video fixtures, made here with PyAV (FFmpeg's own muxers write the metadata) and c2pa-python.

Each builder returns the bytes of a small, real, playable file carrying one provenance signal, or
a hard negative: a phone recording with camera tags, an editor's export, plain FFmpeg output, a
person's name in the artist and title fields.
"""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import av
from PIL import Image

XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
CERTS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "provenance" / "test-certs"
AIGC_LABEL = {
    "Label": "1",
    "ContentProducer": "001191110000000000000000TEST",
    "ProduceID": "video-0001",
    "ReservedCode1": "",
    "ContentPropagator": "",
    "PropagateID": "",
    "ReservedCode2": "",
}


def encode(
    *,
    container: str = "mp4",
    codec: str = "libx264",
    metadata: dict[str, str] | None = None,
    stream_metadata: dict[str, str] | None = None,
    frames: int = 6,
    size: tuple[int, int] = (64, 48),
    tags_anywhere: bool = False,
    audio: bool = False,
) -> bytes:
    """A short video (and optional tone) muxed by FFmpeg with the given container and stream tags.
    ``tags_anywhere`` sets ``movflags=use_metadata_tags``: arbitrary keys as QuickTime ``mdta`` keys."""
    buffer = io.BytesIO()
    options = {"movflags": "use_metadata_tags"} if tags_anywhere else {}
    with av.open(buffer, mode="w", format=container, options=options) as out:
        for key, value in (metadata or {}).items():
            out.metadata[key] = value
        stream = out.add_stream(codec, rate=12)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for key, value in (stream_metadata or {}).items():
            stream.metadata[key] = value
        sound = out.add_stream("aac" if container != "webm" else "libopus", rate=48000) if audio else None
        for index in range(frames):
            picture = Image.new("RGB", size, ((index * 40) % 255, 90, 150))
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
        if sound is not None:
            _tone(sound, out, seconds=frames / 12)
    return buffer.getvalue()


def _tone(stream: av.audio.stream.AudioStream, out: av.container.OutputContainer, seconds: float) -> None:
    import numpy as np

    rate = 48000
    samples = np.sin(np.linspace(0, 2 * np.pi * 440 * seconds, int(rate * seconds), dtype=np.float32))
    frame_size = stream.codec_context.frame_size or 1024
    for start in range(0, len(samples), frame_size):
        chunk = samples[start : start + frame_size]
        if len(chunk) < frame_size:
            chunk = np.pad(chunk, (0, frame_size - len(chunk)))
        frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="fltp", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)


def xmp_packet(*, source_type: str = "", aigc: str = "", creator_tool: str = "") -> str:
    props = []
    if source_type:
        props.append(f'Iptc4xmpExt:DigitalSourceType="{source_type}"')
    if creator_tool:
        props.append(f'xmp:CreatorTool="{creator_tool}"')
    if aigc:
        props.append("TC260:AIGC='" + aigc.replace("'", "&apos;") + "'")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" '
        + " ".join(props)
        + '/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def with_xmp_box(data: bytes, packet: str) -> bytes:
    """The MP4 way to carry XMP: a top-level ``uuid`` box with the XMP UUID (here after the media)."""
    payload = packet.encode("utf-8")
    return data + struct.pack(">I", 8 + 16 + len(payload)) + b"uuid" + XMP_UUID + payload


def fixture_signer():
    """The c2pa-python test certificate (FOR TESTING ONLY), as a signer."""
    import c2pa

    info = c2pa.C2paSignerInfo(
        alg=b"es256",
        sign_cert=(CERTS / "es256_certs.pem").read_bytes(),
        private_key=(CERTS / "es256_private.key").read_bytes(),
        ta_url=None,
    )
    return c2pa.Signer.from_info(info)


def signed(
    data: bytes,
    *,
    source_type: str,
    mime: str = "video/mp4",
    generator: str = "ExampleVideoGen",
    merkle_kb: int | None = None,
) -> bytes:
    """``data`` with a C2PA manifest (the c2pa-python test certificate) whose created action
    carries ``source_type``. ``merkle_kb`` hashes the media in chunks of that size (a Merkle tree,
    as signers of long videos do) instead of as one range."""
    import c2pa

    manifest = {
        "claim_generator_info": [{"name": generator, "version": "1.0"}],
        "title": "clip.mp4",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": source_type}]},
            }
        ],
    }
    signer = fixture_signer()
    out = io.BytesIO()
    context = (
        c2pa.Context.from_dict({"core": {"merkle_tree_chunk_size_in_kb": merkle_kb}}) if merkle_kb else None
    )
    with c2pa.Builder(json.dumps(manifest), context=context) as builder:
        builder.sign(signer, mime, io.BytesIO(data), out)
    return out.getvalue()


DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def catalogue() -> dict[str, tuple[bytes, str]]:
    """name → (bytes, the tier the reader must give it). Built on demand (about a second)."""
    label = json.dumps(AIGC_LABEL)
    envelope = json.dumps({"AIGC": AIGC_LABEL})
    comfy = json.dumps({"3": {"class_type": "KSampler", "inputs": {"seed": 1}}})
    plain = encode()
    return {
        "c2pa_generated.mp4": (signed(plain, source_type=DST + "trainedAlgorithmicMedia"), "confirmed"),
        "c2pa_capture.mp4": (signed(plain, source_type=DST + "digitalCapture"), "none"),
        "xmp_dst_generated.mp4": (
            with_xmp_box(plain, xmp_packet(source_type=DST + "trainedAlgorithmicMedia")),
            "confirmed",
        ),
        "xmp_tc260_label.mp4": (with_xmp_box(plain, xmp_packet(aigc=envelope)), "confirmed"),
        "aigc_key_bare.mp4": (encode(metadata={"AIGC": label}, tags_anywhere=True), "confirmed"),
        "aigc_key_envelope.mov": (
            encode(container="mov", metadata={"AIGC": envelope}, tags_anywhere=True),
            "confirmed",
        ),
        "aigc_tag_bare.mkv": (encode(container="matroska", metadata={"AIGC": label}), "confirmed"),
        "aigc_tag_envelope.webm": (
            encode(container="webm", codec="libvpx-vp9", metadata={"AIGC": envelope}),
            "confirmed",
        ),
        "comfyui_vhs.mp4": (
            encode(metadata={"prompt": comfy, "workflow": "{}"}, tags_anywhere=True),
            "suspected",
        ),
        "comfyui_comment.webm": (
            encode(container="webm", codec="libvpx-vp9", metadata={"comment": json.dumps({"prompt": comfy})}),
            "suspected",
        ),
        # FFmpeg always writes its own name as the container's encoder: the tool names itself elsewhere.
        "software_runway.mp4": (
            encode(metadata={"com.apple.quicktime.software": "Runway Gen-3 Alpha"}, tags_anywhere=True),
            "suspected",
        ),
        "track_handler_kling.mov": (
            encode(container="mov", stream_metadata={"handler_name": "Kling AI video"}),
            "suspected",
        ),
        "xmp_creator_tool_sora.mp4": (with_xmp_box(plain, xmp_packet(creator_tool="Sora")), "suspected"),
        "description_hailuo.mkv": (
            encode(container="matroska", metadata={"description": "Made with Hailuo AI"}),
            "suspected",
        ),
        # Hard negatives.
        "phone_iphone.mov": (
            encode(
                container="mov",
                metadata={
                    "com.apple.quicktime.make": "Apple",
                    "com.apple.quicktime.model": "iPhone 15 Pro",
                    "com.apple.quicktime.software": "17.5.1",
                    "com.apple.quicktime.location.ISO6709": "+31.2304+121.4737+004.000/",
                },
                tags_anywhere=True,
                audio=True,
            ),
            "none",
        ),
        "premiere_export.mp4": (
            with_xmp_box(plain, xmp_packet(creator_tool="Adobe Premiere Pro 2024.0 (Windows)")),
            "none",
        ),
        "davinci_resolve.mov": (
            encode(container="mov", metadata={"encoder": "Blackmagic Design DaVinci Resolve"}),
            "none",
        ),
        "plain_ffmpeg.mp4": (plain, "none"),
        "plain_ffmpeg.webm": (encode(container="webm", codec="libvpx-vp9", audio=True), "none"),
        "person_named_sora.mp4": (
            encode(metadata={"artist": "Sora Kling", "title": "Pika and Luma at the beach"}),
            "none",
        ),
    }
