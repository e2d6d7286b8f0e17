"""The hash-locked requirements: every lock file pins every package with its hashes (pip's
--require-hashes refuses anything else), agrees with the pins of its .in file (a pin changed
without `make lock` fails here), and the environment the tests run in is the locked one."""

import importlib.metadata
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ["requirements.txt", "requirements-dev.txt", "requirements-bench.txt"]


def _pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` in an .in file and the .in files it includes."""
    pins: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins |= _pins(path.parent / line[3:].strip())
        elif line and not line.startswith("-"):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{path.name}: {line} is not pinned"
            pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def _locked(path: Path) -> dict[str, tuple[Requirement, list[str]]]:
    """name -> (requirement, sha256 hashes) of a lock file written by `make lock`."""
    text = re.sub(r"#.*", "", path.read_text()).replace("\\\n", " ")
    locked = {}
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
        requirement = Requirement(re.sub(r"\s--hash=\S+", "", line).strip())
        locked[canonicalize_name(requirement.name)] = (requirement, hashes)
    return locked


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_is_pinned_with_its_hashes(lock: str) -> None:
    locked = _locked(ROOT / lock)
    assert len(locked) > 40
    for name, (requirement, hashes) in locked.items():
        assert [s.operator for s in requirement.specifier] == ["=="], name
        assert hashes, f"{lock}: {name} has no hash"


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_has_the_versions_pinned_in_its_in_file(lock: str) -> None:
    pins = _pins(ROOT / lock.replace(".txt", ".in"))
    locked = _locked(ROOT / lock)
    stale = {
        name: (version, locked[name][0].specifier if name in locked else None)
        for name, version in pins.items()
        if name not in locked or str(locked[name][0].specifier) != f"=={version}"
    }
    assert not stale, f"run `make lock`: {stale}"


def test_the_environment_is_the_locked_one() -> None:
    # `make` installs requirements-dev.txt: what runs is what was locked, at those versions.
    for name, (requirement, _) in _locked(ROOT / "requirements-dev.txt").items():
        if requirement.marker is None or requirement.marker.evaluate():
            installed = importlib.metadata.version(name)
            assert f"=={installed}" == str(requirement.specifier), name
