"""The importer against mutated packages (hypothesis): every import of a mutation of a valid signed
package is either rejected with a Chinese reason and the database dump unchanged, or imported
(a mutation that changes nothing the rules look at); never an unhandled exception.

``pytest tests/integration/test_import_fuzz.py -s`` prints the figures (examples, rejected,
imported, time)."""

from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.db import close_database, open_database
from station_app.domain import package_signing as signing
from station_app.services import exchange
from tests.integration.test_signed_packages import OTHER, digest, made  # noqa: F401 - the fixture

FIGURES = {"examples": 0, "rejected": 0, "imported": 0}
BAD_TEXT = ["\x07", "\x1b[2J", "\u202e", "\u2067", "\r", "\x00", "\x85"]
FUTURE = ["2099-01-01T00:00:00.000000+08:00", "2999-12-31T23:59:59Z"]


def _mutate(members: dict[str, bytes], manifest: dict, data) -> tuple[dict[str, bytes], dict, bool, str]:
    """One random mutation; returns (members, manifest, rehash, what)."""
    kind = data.draw(st.sampled_from(["flip", "value", "text", "future", "drop", "add", "manifest", "none"]))
    names = sorted(n for n in members if n.startswith("data/") and members[n])
    rehash = data.draw(st.booleans())
    if kind == "flip" and names:
        name = data.draw(st.sampled_from(names))
        buf = bytearray(members[name])
        i = data.draw(st.integers(0, len(buf) - 1))
        buf[i] ^= data.draw(st.integers(1, 255))
        members[name] = bytes(buf)
    elif kind in ("value", "text", "future") and names:
        name = data.draw(st.sampled_from(names))
        recs = [json.loads(line) for line in members[name].splitlines()]
        rec = recs[data.draw(st.integers(0, len(recs) - 1))]
        key = data.draw(st.sampled_from(sorted(rec)))
        if kind == "value":
            rec[key] = data.draw(st.one_of(st.none(), st.integers(), st.text(max_size=5), st.booleans(),
                                           st.lists(st.integers(), max_size=2)))
        elif kind == "text":
            rec[key] = str(rec[key]) + data.draw(st.sampled_from(BAD_TEXT))
        else:
            rec[data.draw(st.sampled_from(["created_at", "updated_at", "deleted_at"]))] = data.draw(
                st.sampled_from(FUTURE))
        members[name] = b"".join((json.dumps(r, ensure_ascii=False) + "\n").encode() for r in recs)
    elif kind == "drop":
        victim = data.draw(st.sampled_from(sorted(members)))
        members.pop(victim)
    elif kind == "add":
        name = data.draw(st.sampled_from(["extra.txt", "data/x.jsonl", "attachments/a.bat", "../up.txt"]))
        members[name] = data.draw(st.binary(max_size=20))
    elif kind == "manifest":
        key = data.draw(st.sampled_from(["version", "created_at", "kind", "package_id", "station", "files"]))
        manifest[key] = data.draw(st.one_of(st.none(), st.integers(), st.text(max_size=5),
                                            st.sampled_from(FUTURE)))
    return members, manifest, rehash, kind


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_packages_are_rejected_or_imported_consistently(data, made, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("fuzz")
    with zipfile.ZipFile(made["first"]) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    members.pop(signing.SIGNATURE_MEMBER)
    members, manifest, rehash, kind = _mutate(members, manifest, data)
    if rehash and isinstance(manifest.get("files"), dict):
        for name, entry in manifest["files"].items():
            if name in members and isinstance(entry, dict):
                entry["sha256"] = hashlib.sha256(members[name]).hexdigest()
                if name.endswith(".jsonl"):
                    entry["count"] = members[name].count(b"\n")
    raw = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    signer = data.draw(st.sampled_from(["station", "other", "none"]))
    path = folder / "mutant.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in members.items():
            zf.writestr(zipfile.ZipInfo(name), blob)
        zf.writestr("manifest.json", raw)
        if signer != "none":
            zf.writestr(signing.SIGNATURE_MEMBER, signing.signature_bytes(raw, made["pair"] if signer == "station"
                                                                          else OTHER))
    county = folder / "county.db"
    open_database(str(county))
    try:
        # the station is enrolled with its own key first: the mutant is judged against the registry
        (first,) = exchange.import_packages([made["first"]], enroll=True)
        assert first.status == "imported", first.reason
        before = digest(county)
        (report,) = exchange.import_packages([path])
        FIGURES["examples"] += 1
        if report.status == "rejected":
            FIGURES["rejected"] += 1
            assert report.reason and re.search(r"[\u4e00-\u9fff]", report.reason), report.reason
            assert digest(county) == before, (kind, report.reason)
        else:
            FIGURES["imported"] += 1
            # only a package the station itself signed can be imported
            assert signer == "station", (kind, signer)
            again = exchange.import_packages([path])[0]
            assert again.status == "imported" and again.inserted == 0
    finally:
        close_database()


@pytest.fixture(scope="module", autouse=True)
def _figures():
    start = time.monotonic()
    yield
    print(f"\nfuzz: {FIGURES['examples']} examples, {FIGURES['rejected']} rejected, "
          f"{FIGURES['imported']} imported, {time.monotonic() - start:.1f} s")

