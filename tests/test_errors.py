"""Every bad-input case of scripts/error_cases.py (the table in docs/errors.md), run in-process:
one line on stderr naming the problem, exit code 2 (1 for vectorize's bad inputs), no file left."""

import importlib.util
import os
from pathlib import Path

import pytest

from canvasdraw.cli.main import main

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "error_cases.py"
spec = importlib.util.spec_from_file_location("error_cases", SCRIPT)
error_cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(error_cases)
IN_PROCESS = [case for case in error_cases.CASES if len(case) == 3]  # device-count cases need a process of their own


@pytest.mark.parametrize("case, args, setup", IN_PROCESS, ids=[case[0] for case in IN_PROCESS])
def test_bad_input_is_one_line_and_leaves_nothing(case, args, setup, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    if setup is not None:
        setup(tmp_path)
    before = set(tmp_path.rglob("*"))
    capsys.readouterr()
    code = main(args)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("canvasdraw ")]
    assert code == (1 if case in error_cases.PER_INPUT else 2), lines
    assert len(lines) == 1 and ": error: " in lines[0], lines
    assert set(tmp_path.rglob("*")) == before, sorted(map(str, set(tmp_path.rglob("*")) - before))
    assert os.getcwd() == str(tmp_path)
