"""The load test collects static files again only when their sources changed
(bench.static_files): a second run starts at once, an edited file is collected."""

from pathlib import Path

import pytest

from bench.static_files import collectstatic_if_changed, static_sources_digest


@pytest.fixture
def sources(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """One folder of sources, collected into another (the real storage, settings as given)."""
    folder = tmp_path / "src"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "site.css").write_text("body { color: black; }\n")
    (folder / "old.js").write_text("")
    settings.STATICFILES_DIRS = [folder]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "collected"
    return folder


def test_a_second_call_collects_nothing_and_an_edit_is_collected(sources: Path, settings) -> None:  # type: ignore[no-untyped-def]
    collected = Path(settings.STATIC_ROOT) / "css" / "site.css"
    assert collectstatic_if_changed() is True
    assert collected.read_text() == "body { color: black; }\n"

    assert collectstatic_if_changed() is False

    (sources / "css" / "site.css").write_text("body { color: navy; }\n")  # in the same second
    (sources / "old.js").unlink()
    assert collectstatic_if_changed() is True
    assert collected.read_text() == "body { color: navy; }\n"
    assert not (Path(settings.STATIC_ROOT) / "old.js").exists()


def test_a_new_file_or_another_storage_changes_the_fingerprint(sources: Path, settings) -> None:  # type: ignore[no-untyped-def]
    before = static_sources_digest()
    (sources / "app.js").write_text("")
    added = static_sources_digest()
    assert added != before
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    assert static_sources_digest() != added


def test_an_emptied_static_root_is_collected_again(sources: Path, settings) -> None:  # type: ignore[no-untyped-def]
    import shutil

    collectstatic_if_changed()
    shutil.rmtree(settings.STATIC_ROOT)
    assert collectstatic_if_changed() is True
    assert (Path(settings.STATIC_ROOT) / "css" / "site.css").is_file()
