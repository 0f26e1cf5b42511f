from docgen.cli import main
from docgen.web.command import is_loopback


def test_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.8.0.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")


def test_serving_beyond_loopback_without_users_is_refused(tmp_path, capsys):
    assert main(["serve", "--data", str(tmp_path), "--host", "0.0.0.0", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "须先创建用户" in err and "docgen users add" in err


def test_users_add_and_list(tmp_path, capsys):
    assert main(["users", "add", "经办员", "--role", "agency", "--password", "short", "--data", str(tmp_path)]) == 2
    assert "至少 8 个字符" in capsys.readouterr().err
    assert main(["users", "add", "经办员", "--role", "agency", "--password", "long enough", "--data",
                 str(tmp_path)]) == 0
    assert main(["users", "list", "--data", str(tmp_path)]) == 0
    assert "经办员\t经办机构" in capsys.readouterr().out
