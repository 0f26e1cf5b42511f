import json
import os
import subprocess
import sys

import pytest

from docgen.cli import main
from tests.conftest import FIXTURES


@pytest.fixture
def run(capsys):
    def run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_kinds_lists_every_kind_in_order(run):
    code, out, _ = run("kinds")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        "application", "feasibility", "plan", "agreement", "acceptance", "notice"]
    assert "项目申请表" in out and "附件1" in out


def test_policies_lists_every_profile_with_sources(run):
    code, out, _ = run("policies", "--json")
    assert code == 0
    profiles = {p["id"]: p for p in json.loads(out)}
    assert {"national-2017", "nei-mongol-2020", "urumqi-2016", "sanming-2021", "ningbo"} <= set(profiles)
    cap = profiles["nei-mongol-2020"]["rules"]["project_budget_cap"]
    assert cap["ratio"] == "0.03" and "附件1" in cap["source"]
    assert profiles["sanming-2021"]["rules"]["fund_cap"]["deficit_ratio"] == "0.01"


def test_schema_prints_the_kinds_required_sections(run):
    code, out, _ = run("schema", "plan")
    schema = json.loads(out)
    assert code == 0
    assert schema["title"] == "实施方案"
    assert schema["required"] == ["applicant", "project", "budget", "plan"]
    assert schema["$defs"]["budget_item"]["properties"]["amount"]["title"] == "金额（元）"


def test_validate_json_lists_findings_with_the_five_keys(run, tmp_path, record):
    record["budget"]["total"] = "1.00"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
    code, out, _ = run("validate", "application", str(path), "--json")
    assert code == 1
    [finding] = json.loads(out)
    assert finding == {
        "code": "budget.sum_mismatch", "path": "/budget/total", "label": "预算合计（元）", "severity": "error",
        "message": finding["message"],
    }
    assert "294,408.90 元" in finding["message"]


def test_validate_ok_exits_zero_with_summary(run):
    code, out, _ = run("validate", "packet", str(FIXTURES / "record.json"))
    assert code == 0
    assert "校验通过：0 处错误" in out


def test_missing_file_exits_2_with_one_chinese_line(run, tmp_path):
    code, out, err = run("render", "application", str(tmp_path / "nope.json"))
    assert code == 2
    assert err.strip() == f"错误：找不到文件：{tmp_path / 'nope.json'}"
    assert "Traceback" not in err


def test_malformed_json_exits_2_with_the_position(run, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"policy": "ningbo",\n "applicant": }', encoding="utf-8")
    code, _, err = run("validate", "application", str(path))
    assert code == 2
    assert "不是有效的 JSON：第 2 行第 15 列" in err
    assert len(err.strip().splitlines()) == 1


def test_top_level_array_is_an_input_error(run, tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[]", encoding="utf-8")
    code, _, err = run("validate", "application", str(path))
    assert code == 2
    assert "顶层应为 JSON 对象" in err


def test_unknown_kind_and_policy_are_usage_errors(run):
    code, _, err = run("validate", "contract", str(FIXTURES / "record.json"))
    assert code == 2 and "没有名为「contract」的文书类型" in err and "application" in err
    code, _, err = run("validate", "plan", str(FIXTURES / "record.json"), "--policy", "mars")
    assert code == 2 and "没有编号为「mars」的政策规则" in err


def test_render_with_errors_writes_nothing_and_exits_1(run, tmp_path, record):
    record["finance"]["contributions_last_year"] = "1000.00"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
    out_dir = tmp_path / "out"
    code, _, err = run("render", "application", str(path), "-o", str(out_dir))
    assert code == 1
    assert "budget.over_cap" in err and "未生成文书" in err
    assert not out_dir.exists()


def test_force_renders_despite_rule_errors_but_still_exits_1(run, tmp_path, record):
    record["finance"]["contributions_last_year"] = "1000.00"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, _ = run("render", "application", str(path), "-o", str(out_dir), "--force")
    assert code == 1
    assert (out_dir / "01-项目申请表.docx").is_file()
    assert "已生成" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["render"], "错误：缺少参数 KIND。用法见 docgen render --help"),
    (["render", "application"], "错误：缺少参数 FILE。用法见 docgen render --help"),
    (["packet", "x.json", "--bogus"], "错误：没有选项 --bogus；是否想用 --out。用法见 docgen packet --help"),
    (["frobnicate"], "错误：没有这个命令：frobnicate。用法见 docgen --help"),
    (["batch", "application", "r.csv"], "错误：缺少选项 -o / --out。用法见 docgen batch --help"),
    (["render", "plan", "f.json", "--to"], "错误：选项 --to 需要一个值。用法见 docgen --help"),
    (["batch", "application", "r.csv", "-o", "x", "--jobs", "0"],
     "错误：'--jobs' 的值无效：应为不小于 1 的整数。用法见 docgen batch --help"),
])
def test_usage_mistakes_get_one_chinese_line_and_exit_2(run, argv, message):
    code, out, err = run(*argv)
    assert code == 2
    assert err.strip() == message


def test_schema_of_a_standalone_kind_is_its_own(run):
    code, out, _ = run("schema", "notice")
    schema = json.loads(out)
    assert code == 0
    assert schema["$id"] == "urn:docgen:notice"
    assert "applicant" not in schema.get("properties", {})


@pytest.mark.parametrize("command", ["validate", "render"])
def test_an_output_encoding_without_a_character_replaces_it_instead_of_failing(tmp_path, record, command):
    """#10: ``PYTHONIOENCODING=gbk docgen validate …`` with ☑ in a message was a UnicodeEncodeError traceback."""
    record["policy"] = "☑已勾选"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    extra = ["--json"] if command == "validate" else ["-o", str(tmp_path / "out")]
    result = subprocess.run([sys.executable, "-m", "docgen.cli", command, "application", str(path), *extra],
                            env=env, capture_output=True, timeout=60, check=False)
    stdout, stderr = result.stdout.decode("gbk"), result.stderr.decode("gbk")
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    if command == "validate":  # stdout: replaced by "?"
        assert json.loads(stdout)[0]["message"].startswith("没有编号为「?已勾选」的政策规则")
    else:  # stderr: Python's own backslash escape
        assert "没有编号为「\\u2611已勾选」的政策规则" in stderr
