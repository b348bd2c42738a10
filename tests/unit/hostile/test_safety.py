"""Safety: spreadsheet formulas in text cells are inert, nothing unpickles or evaluates
user content, and nothing touches the network."""

from __future__ import annotations

import ast
import csv
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sonolens.audio import open_source
from sonolens.cli.main import main
from sonolens.core.progress import run_to_end
from sonolens.export.csv_text import safe_text
from sonolens.export.npz import export_spectrogram_npz
from tests.unit.hostile import make

APP = Path(__file__).resolve().parents[3] / "app" / "sonolens"


@pytest.mark.parametrize(("text", "written"), [
    ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("take 1.wav", "take 1.wav"),
    ("a=b.wav", "a=b.wav"),  # only the first character matters
    ("", ""),
    ("'quoted", "'quoted"),
])
def test_safe_text(text, written):
    assert safe_text(text) == written


HOSTILE_NAMES = ["=1+2.wav", "+cmd.wav", "-2.wav", "@SUM(A1).wav",
                 'comma, "quote"\nnewline.wav', "plain.wav"]


def test_file_column_cannot_run_as_a_formula(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative names: the cell starts with the name itself
    y = make.rich(0.3, channels=1)
    for name in HOSTILE_NAMES:
        make.write(tmp_path / name, y, make.SR)
    assert main(["-q", "extract", "-o", "out.csv", "--features", "rms", "--",
                 *HOSTILE_NAMES]) == 0
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["file", "time", "rms"]
    cells = list(dict.fromkeys(row[0] for row in rows[1:]))
    assert cells == ["'=1+2.wav", "'+cmd.wav", "'-2.wav", "'@SUM(A1).wav",
                     'comma, "quote"\nnewline.wav', "plain.wav"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    table = pd.read_csv(tmp_path / "out.csv")  # still a well-formed CSV
    assert table["rms"].notna().all() and len(table) == len(rows) - 1


# -- nothing unpickles or evaluates user content ---------------------------------------------
_FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "shelve",
                      "marshal", "joblib"}
_FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__"}  # app.exec() is Qt's loop
_FORBIDDEN_METHODS = {("pd", "read_pickle"), ("pandas", "read_pickle"), ("os", "system"),
                      ("os", "popen"), ("yaml", "load"), ("torch", "load")}


def _risky(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""])
            found += [(node.lineno, f"import {n}") for n in names
                      if n.split(".")[0] in _FORBIDDEN_MODULES]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            if isinstance(func, ast.Name) and name in _FORBIDDEN_BUILTINS:
                found.append((node.lineno, f"{name}()"))
            if (owner, name) in _FORBIDDEN_METHODS:
                found.append((node.lineno, f"{owner}.{name}()"))
            if name == "load" and owner in {"np", "numpy"}:
                safe = any(k.arg == "allow_pickle" and isinstance(k.value, ast.Constant)
                           and k.value.value is False for k in node.keywords)
                if not safe:
                    found.append((node.lineno, "np.load without allow_pickle=False"))
            if any(k.arg == "shell" and getattr(k.value, "value", False)
                   for k in node.keywords):
                found.append((node.lineno, "shell=True"))
    return sorted(found)


def test_nothing_unpickles_or_evaluates():
    offenders = [f"{path.relative_to(APP)}:{line}: {what}"
                 for path in sorted(APP.rglob("*.py"))
                 for line, what in _risky(ast.parse(path.read_text()))]
    assert offenders == []


def test_the_scan_finds_what_it_forbids():
    code = ("import pickle\nfrom joblib import load\neval(s)\nexec(s)\nnp.load(p)\n"
            "np.load(p, allow_pickle=False)\nre.compile(x)\nsubprocess.run(c, shell=True)\n"
            "os.system(c)\napp.exec()\npd.read_pickle(p)\n")
    assert [what for _, what in _risky(ast.parse(code))] == [
        "import pickle", "import joblib", "eval()", "exec()",
        "np.load without allow_pickle=False", "shell=True", "os.system()",
        "pd.read_pickle()"]


def test_exported_npz_loads_without_pickles(tmp_path):
    audio = make.write(tmp_path / "a.wav", make.rich(0.5), make.SR)
    out = tmp_path / "spec.npz"
    with open_source(audio) as source:
        run_to_end(export_spectrogram_npz(source, None, "db", out))
    with np.load(out, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    assert all(a.dtype != object for a in arrays.values())
    assert arrays["values"].shape[1] == len(arrays["times"])


# -- no network ------------------------------------------------------------------------------
def test_extract_never_touches_the_network(tmp_path, monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)
    audio = make.write(tmp_path / "a.mp3", make.rich(1.0), make.SR, format="MP3",
                       subtype="MPEG_LAYER_III")
    assert main(["-q", "extract", str(audio), "-o", str(tmp_path / "o.csv")]) == 0
    assert main(["-q", "extract", "--demo", "-o", str(tmp_path / "demo.csv")]) == 0
    assert attempts == []
    assert len(pd.read_csv(tmp_path / "o.csv")) > 10
