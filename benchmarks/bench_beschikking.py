"""Rendering beschikkingen: one letter and a batch, beside the .docx + LibreOffice route in the same run.

Run: ``.venv/bin/python -m benchmarks.bench_beschikking [--batch 1000] [--repeat 7]``

Many municipalities fill a Word template and let LibreOffice turn it into PDF. The baseline
does exactly that: a minimal .docx letter (built here, placeholders in ``word/document.xml``)
is filled per letter and converted by ``soffice --headless --convert-to pdf``; a batch goes to
soffice processes of 100 letters each, as a mail-merge job would. Needs Debian's libreoffice-writer(-nogui).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from tests.documents.test_beschikking import sample_beschikking
from wmo_desk.documents.beschikking import render_beschikking

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""


def docx_letter(paragraphs: list[str]) -> bytes:
    """A minimal Word document with one paragraph per line."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document)
    return buffer.getvalue()


def letter_lines(n: int) -> list[str]:
    """The same letter content as the wmo_desk sample, as plain paragraphs (one template fill)."""
    d = sample_beschikking()
    lines = [
        f"Gemeente {d.municipality_name}",
        *d.municipality_address_lines,
        "",
        d.addressee.name_line,
        d.addressee.street_line,
        d.addressee.postcode_place_line,
        "",
        f"Kenmerk {d.kenmerk}-{n}",
        d.subject,
        d.salutation,
    ]
    for p in d.provisions:
        lines += [p.product_name, p.result, p.omvang, str(p.start), str(p.end), p.provider_name]
    lines += [
        d.motivation,
        f"Bezwaar uiterlijk {d.objection_deadline}",
        "namens het college van burgemeester en wethouders",
        d.approver_name,
        d.approver_function,
    ]
    return lines


def soffice_convert(files: list[Path], outdir: Path, profile: Path) -> None:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=3600,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("soffice") is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui")
    data = sample_beschikking()
    render_beschikking(data)  # fonts and templates loaded once, as in the running app

    ours = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        render_beschikking(data)
        ours.append(time.perf_counter() - t0)
    work = Path(tempfile.mkdtemp(prefix="bench-lo-"))
    profile = work / "profile"
    theirs = []
    for i in range(args.repeat):
        src = work / f"single-{i}.docx"
        src.write_bytes(docx_letter(letter_lines(i)))
        t0 = time.perf_counter()
        soffice_convert([src], work, profile)
        theirs.append(time.perf_counter() - t0)
    one_ours, one_theirs = statistics.median(ours) * 1000, statistics.median(theirs) * 1000

    t0 = time.perf_counter()
    for i in range(args.batch):
        render_beschikking(replace_kenmerk(data, i))
    batch_ours = time.perf_counter() - t0
    batch_dir = work / "batch"
    batch_dir.mkdir()
    t0 = time.perf_counter()
    files = []
    for i in range(args.batch):
        path = batch_dir / f"letter-{i}.docx"
        path.write_bytes(docx_letter(letter_lines(i)))
        files.append(path)
    # one soffice process per 100 letters: a single call with 1,000 files stopped after ~250
    for start in range(0, len(files), 100):
        soffice_convert(files[start : start + 100], batch_dir, profile)
    batch_theirs = time.perf_counter() - t0
    pdfs = len(list(batch_dir.glob("*.pdf")))
    print(f"one beschikking, median of {args.repeat}:")
    print(f"  wmo_desk (reportlab + Jinja2)      {one_ours:9.1f} ms")
    print(
        f"  .docx + LibreOffice headless       {one_theirs:9.1f} ms   ({one_theirs / one_ours:.0f} x)"
    )
    print(f"batch of {args.batch:,} letters:")
    print(f"  wmo_desk                           {batch_ours:9.1f} s")
    print(
        f"  .docx + LibreOffice (per 100)      {batch_theirs:9.1f} s   ({batch_theirs / batch_ours:.1f} x, {pdfs} PDFs)"
    )
    shutil.rmtree(work, ignore_errors=True)


def replace_kenmerk(data, i: int):
    from dataclasses import replace

    return replace(data, kenmerk=f"{data.kenmerk}-{i}")


if __name__ == "__main__":
    main()
