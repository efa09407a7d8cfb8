"""Settings from TOML and the environment: every bad value refused with one line naming it (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontherecord.cli import main
from ontherecord.errors import SettingsError
from ontherecord.settings import Settings, load_settings


def _toml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("batch_size = 0", "batch_size = 0: must be at least 1"),
        ('jobs = "two"', "jobs = 'two': must be a whole number"),
        ("jobs = 2.5", "jobs = 2.5: must be a whole number"),
        ("jobs = true", "jobs = True: must be a whole number, not a boolean"),
        ('use_model = "maybe"', "use_model = 'maybe': must be true or false"),
        ('use_model = "false"', "use_model = 'false': must be true or false"),  # a string is not a boolean
        ("max_article_bytes = -1", "max_article_bytes = -1: must be at least 1"),
        ("model_min_confidence = -0.5", "model_min_confidence = -0.5: must be at least 0"),
        ("model_min_confidence = 2", "model_min_confidence = 2.0: must be at most 1.0"),
        ("nlp_package = 3", "nlp_package = 3: must be text"),
        ('db = ""', "db = '': must not be empty"),
        ("batchsize = 4", "unknown setting 'batchsize' (did you mean batch_size?)"),
    ],
)
def test_a_bad_value_in_the_file_is_named(tmp_path: Path, body: str, expected: str) -> None:
    path = _toml(tmp_path, body)
    with pytest.raises(SettingsError) as caught:
        load_settings(path, env={})
    assert caught.value.problems == [f"{path}: {expected}"]


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("JOBS", "two", "ONTHERECORD_JOBS='two': jobs must be a whole number"),
        ("BATCH_SIZE", "0", "ONTHERECORD_BATCH_SIZE='0': batch_size must be at least 1"),
        # An unknown boolean used to read as False without a word.
        ("USE_MODEL", "maybe", "ONTHERECORD_USE_MODEL='maybe': use_model must be true or false"),
        (
            "MAX_ARTICLE_BYTES",
            "-5",
            "ONTHERECORD_MAX_ARTICLE_BYTES='-5': max_article_bytes must be at least 1",
        ),
        (
            "MODEL_MIN_CONFIDENCE",
            "nan",
            "ONTHERECORD_MODEL_MIN_CONFIDENCE='nan': model_min_confidence must be a number",
        ),
    ],
)
def test_a_bad_environment_variable_is_named(name: str, raw: str, expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(env={f"ONTHERECORD_{name}": raw})
    assert caught.value.problems == [expected]


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("yes", True), ("On", True), ("0", False), ("off", False)]
)
def test_booleans_from_the_environment(raw: str, value: bool) -> None:
    assert load_settings(env={"ONTHERECORD_USE_MODEL": raw}).use_model is value


def test_good_values_load_and_toml_integers_serve_as_floats(tmp_path: Path) -> None:
    path = _toml(tmp_path, 'batch_size = 4\njobs = 2\nmodel_min_confidence = 1\nmodel = ""\n')
    settings = load_settings(path, env={"ONTHERECORD_USE_MODEL": "false"})
    assert (settings.batch_size, settings.jobs, settings.model_min_confidence) == (4, 2, 1.0)
    assert settings.model is None and settings.use_model is False


def test_the_python_api_checks_too() -> None:
    with pytest.raises(SettingsError, match="batch_size = 0: must be at least 1"):
        Settings(batch_size=0)
    with pytest.raises(SettingsError, match="jobs = -1: must be at least 1"):
        Settings().with_(jobs=-1)


def test_the_cli_prints_one_line_per_bad_value_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _toml(tmp_path, 'batch_size = 0\njobs = "two"\n')
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(path), "--db", str(tmp_path / "l.db"), "articles"])
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"Error: {path}: batch_size = 0: must be at least 1",
        f"Error: {path}: jobs = 'two': must be a whole number",
    ]
    assert not (tmp_path / "l.db").exists()


def test_a_file_that_is_not_toml_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _toml(tmp_path, "batch_size = [")
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(path), "articles"])
    assert caught.value.code == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"Error: {path}: not valid TOML")
