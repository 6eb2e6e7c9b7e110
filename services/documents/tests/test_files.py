"""Type sniffing on the bytes, display names, download headers (pure functions)."""

import io
import zipfile

from documents.domain.files import content_disposition, name_matches_kind, sanitise_filename, sniff_kind


def _write(tmp_path, data: bytes):
    path = tmp_path / "blob"
    path.write_bytes(data)
    return path


def _zip(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_signatures_decide_the_kind_whatever_the_name(tmp_path):
    assert sniff_kind(_write(tmp_path, b"%PDF-1.7\n..."), "x.png") == "pdf"
    assert sniff_kind(_write(tmp_path, b"\xff\xd8\xff\xe0JFIF"), "x") == "jpeg"
    assert sniff_kind(_write(tmp_path, b"MZ\x90\x00\x03\x00\x00\x00"), "x.txt") is None


def test_office_packages_are_told_apart_by_their_content(tmp_path):
    xlsx = _zip(
        {
            "[Content_Types].xml": '<Override ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
        }
    )
    odt = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
    assert sniff_kind(_write(tmp_path, xlsx), "a.xlsx") == "xlsx"
    assert sniff_kind(_write(tmp_path, odt), "a.odt") == "odt"
    assert sniff_kind(_write(tmp_path, _zip({"a.txt": "x"})), "a.docx") is None


def test_text_is_utf8_without_control_characters_and_csv_by_its_name(tmp_path):
    assert sniff_kind(_write(tmp_path, b"a;b\n1;2\n"), "t.csv") == "csv"
    assert sniff_kind(_write(tmp_path, "Zoé\tnote\r\n".encode()), "n.txt") == "txt"
    assert sniff_kind(_write(tmp_path, b"abc\x00def"), "n.txt") is None
    assert sniff_kind(_write(tmp_path, b"\x1b[31mred"), "n.txt") is None


def test_an_extension_must_agree_with_the_kind_and_no_extension_is_fine():
    assert name_matches_kind("photo.JPG", "jpeg")
    assert name_matches_kind("scan", "pdf")
    assert not name_matches_kind("invoice.pdf", "png")


def test_names_lose_paths_control_characters_and_leading_dots():
    assert sanitise_filename("C:\\Users\\me\\..\\report.pdf") == "report.pdf"
    assert sanitise_filename("../../.bashrc") == "bashrc"
    assert sanitise_filename("a\x00b\nc.pdf") == "abc.pdf"
    assert sanitise_filename("   ") == "file"
    long_name = sanitise_filename("x" * 500 + ".pdf")
    assert len(long_name) == 200 and long_name.endswith(".pdf")


def test_content_disposition_has_an_ascii_fallback_and_the_exact_utf8_name():
    assert content_disposition('rapport "final"; v2.pdf') == (
        "attachment; filename=\"rapport _final__ v2.pdf\"; filename*=UTF-8''rapport%20%22final%22%3B%20v2.pdf"
    )
