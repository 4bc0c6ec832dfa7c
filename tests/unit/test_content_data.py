"""Organizer-edited data files: a mistake fails with the file and the field named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from portal.adapters.content_data import ContentData, ContentDataError

from tests.conftest import REPOSITORY


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    shutil.copytree(REPOSITORY / "content" / "data", tmp_path / "data")
    return tmp_path / "data"


def test_a_wrong_unit_names_the_file_and_the_field(data_dir: Path) -> None:
    rules = data_dir / "deadline_rules.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("unit: working_days", "unit: fortnights", 1), encoding="utf-8"
    )
    with pytest.raises(ContentDataError, match=r"deadline_rules\.yaml: rule_sets\.consumer_law_art46\.rules\.0\.unit"):
        ContentData(data_dir).rule_set()


def test_an_unknown_rule_set_lists_the_known_ones(data_dir: Path) -> None:
    with pytest.raises(ContentDataError, match="samr_2019"):
        ContentData(data_dir).rule_set("samr_2099")


def test_a_typo_in_a_field_name_is_refused_not_ignored(data_dir: Path) -> None:
    privacy = data_dir / "privacy.yaml"
    privacy.write_text(
        privacy.read_text(encoding="utf-8").replace("current_version", "curent_version"), encoding="utf-8"
    )
    with pytest.raises(ContentDataError, match=r"privacy\.yaml: current_version: Field required"):
        _ = ContentData(data_dir).privacy


def test_broken_yaml_names_the_file(data_dir: Path) -> None:
    (data_dir / "complaint_form.yaml").write_text("categories: [unclosed", encoding="utf-8")
    with pytest.raises(ContentDataError, match=r"complaint_form\.yaml: not valid YAML"):
        _ = ContentData(data_dir).complaint_form


def test_a_category_code_used_in_two_groups_is_refused(data_dir: Path) -> None:
    form = data_dir / "complaint_form.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("online_shopping:", "food:"), encoding="utf-8")
    with pytest.raises(ContentDataError, match="category codes used in more than one group: food"):
        _ = ContentData(data_dir).complaint_form
