"""A student's private copy: folders copied, zips extracted safely, the module found at the top
or one level down, and nothing outside the copy ever written or followed."""

import io
import os
import stat
import zipfile

import pytest

from classroom import REFERENCE, add_folder, add_zip
from grader.batch import staging
from grader.batch.staging import StagingError, stage_submission

SOURCE = (REFERENCE / "tally.py").read_bytes()


def zip_with(path, members):
    """A zip whose members are (name, bytes) or ZipInfo/bytes pairs, written as given."""
    with zipfile.ZipFile(path, "w") as bundle:
        for info, data in members:
            bundle.writestr(info, data)
    return path


def test_a_folder_is_copied_and_the_module_found_at_its_top(tmp_path):
    source = add_folder(tmp_path / "class", "alice", REFERENCE)
    staged = stage_submission(source, into=tmp_path / "private", module_file="tally.py")
    assert staged.folder == tmp_path / "private" / "submission"
    assert (staged.folder / "tally.py").read_bytes() == SOURCE
    assert staged.notes == ()


def test_the_module_one_level_down_is_graded_from_its_folder(tmp_path):
    source = add_folder(tmp_path / "class", "alice", REFERENCE, nested="my-repo")
    (source / "README.md").write_text("notes")
    staged = stage_submission(source, into=tmp_path / "private", module_file="tally.py")
    assert staged.folder.name == "my-repo"
    assert (staged.folder / "tally.py").is_file()


def test_a_zip_with_one_top_folder_is_extracted_and_graded_from_it(tmp_path):
    archive = add_zip(tmp_path, "alice", REFERENCE, prefix="solution/")
    staged = stage_submission(archive, into=tmp_path / "private", module_file="tally.py")
    assert staged.folder.name == "solution"
    assert (staged.folder / "tally.py").read_bytes() == SOURCE


def test_an_lms_folder_holding_a_single_zip_is_unpacked(tmp_path):
    folder = tmp_path / "Ada Lovelace_12_assignsubmission_file_"
    folder.mkdir()
    add_zip(folder, "my solution", REFERENCE)
    staged = stage_submission(folder, into=tmp_path / "private", module_file="tally.py")
    assert (staged.folder / "tally.py").read_bytes() == SOURCE


def test_zip_members_that_climb_out_or_are_absolute_are_refused_and_noted(tmp_path):
    archive = zip_with(tmp_path / "evil.zip", [
        ("tally.py", SOURCE),
        ("../../escaped.py", b"x = 1"),
        ("/tmp/absolute.py", b"x = 1"),
        ("..\\windows.py", b"x = 1"),
        ("C:/drive.py", b"x = 1"),
    ])
    private = tmp_path / "private"
    staged = stage_submission(archive, into=private, module_file="tally.py")
    assert sorted(path.name for path in private.rglob("*") if path.is_file()) == ["tally.py"]
    assert not (tmp_path / "escaped.py").exists()
    assert len([note for note in staged.notes if "points outside the submission" in note]) == 4


def test_a_symlink_in_a_zip_is_not_created(tmp_path):
    link = zipfile.ZipInfo("tally.py")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = zip_with(tmp_path / "link.zip", [(link, "/etc/passwd")])
    staged = stage_submission(archive, into=tmp_path / "private", module_file="tally.py")
    assert not any(path.is_symlink() for path in (tmp_path / "private").rglob("*"))
    assert staged.notes == ("skipped tally.py (a symlink: not followed)",)


def test_symlinks_and_special_files_in_a_folder_are_not_copied(tmp_path):
    source = add_folder(tmp_path / "class", "mallory", REFERENCE)
    (source / "peek.py").symlink_to("/etc/passwd")
    (source / "linked-dir").symlink_to(tmp_path)
    os.mkfifo(source / "pipe")
    staged = stage_submission(source, into=tmp_path / "private", module_file="tally.py")
    copied = sorted(path.name for path in staged.folder.rglob("*"))
    assert copied == ["tally.py"]
    assert set(staged.notes) == {
        "skipped peek.py (a symlink: not followed)",
        "skipped linked-dir (a symlink: not followed)",
        "skipped pipe (not a regular file)",
    }


def test_a_zip_bomb_stops_at_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MAX_STAGED_BYTES", 1 << 20)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("tally.py", SOURCE)
        bundle.writestr("big.bin", b"\0" * (4 << 20))
    staged = stage_submission(archive, into=tmp_path / "private", module_file="tally.py")
    assert not (staged.folder / "big.bin").exists()
    assert any("big.bin (over the 1 MB the copy may hold)" in note for note in staged.notes)


def test_a_member_that_lies_about_its_size_is_stopped_while_it_unpacks(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MAX_STAGED_BYTES", 1 << 20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as bundle:
        bundle.writestr("big.bin", b"\0" * (2 << 20))
    data = bytearray(buffer.getvalue())
    # Rewrite the declared size (central directory, offset 24) to a small number.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    archive = tmp_path / "liar.zip"
    archive.write_bytes(bytes(data))
    try:
        staged = stage_submission(archive, into=tmp_path / "private", module_file="tally.py")
    except StagingError:
        return  # refused outright: fine
    written = sum(path.stat().st_size for path in staged.folder.rglob("*") if path.is_file())
    assert written <= 1 << 20


def test_a_file_that_is_not_a_zip_is_a_staging_error_naming_it(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"this is not a zip")
    with pytest.raises(StagingError, match="broken.zip could not be unpacked"):
        stage_submission(archive, into=tmp_path / "private", module_file="tally.py")


def test_a_folder_of_thousands_of_links_gives_a_short_list_of_notes(tmp_path):
    source = add_folder(tmp_path / "class", "mallory", REFERENCE)
    for index in range(30):
        (source / f"link-{index:02d}").symlink_to("/etc/hostname")
    staged = stage_submission(source, into=tmp_path / "private", module_file="tally.py")
    assert len(staged.notes) == 21
    assert staged.notes[-1] == "... and 10 more left out of the copy"


def test_a_zip_larger_than_a_submission_may_be_is_not_opened(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MAX_STAGED_BYTES", 1024)
    archive = tmp_path / "huge.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
        bundle.writestr("tally.py", SOURCE)
        bundle.writestr("data.bin", os.urandom(4096))
    with pytest.raises(StagingError, match="huge.zip is over the 0 MB"):
        stage_submission(archive, into=tmp_path / "private", module_file="tally.py")
