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


def test_users_passwd_role_disable_enable_and_remove(tmp_path, capsys):
    from docgen.web.command import open_store

    data = ["--data", str(tmp_path)]
    assert main(["users", "add", "企业甲", "--password", "long enough", *data]) == 0
    assert main(["users", "passwd", "企业甲", "--password", "another one", *data]) == 0
    assert main(["users", "passwd", "企业甲", "--password", "short", *data]) == 2
    assert main(["users", "role", "企业甲", "agency", *data]) == 0
    assert main(["users", "disable", "企业甲", *data]) == 0
    out = capsys.readouterr()
    assert "已修改用户 企业甲 的密码" in out.out and "已将用户 企业甲 改为经办机构" in out.out
    assert "已停用用户 企业甲" in out.out and "至少 8 个字符" in out.err
    assert main(["users", "list", *data]) == 0
    assert "企业甲\t经办机构" in (listed := capsys.readouterr().out) and "已停用" in listed
    store = open_store(tmp_path, None)
    assert store.authenticate("企业甲", "another one") is None  # disabled
    assert main(["users", "enable", "企业甲", *data]) == 0
    assert store.authenticate("企业甲", "another one") is not None

    store.create_project(store.user_named("企业甲"), {}, "新建")
    assert main(["users", "remove", "企业甲", *data]) == 2
    assert "请改用 docgen users disable 企业甲" in capsys.readouterr().err
    assert main(["users", "remove", "无此人", *data]) == 2
    assert "没有用户「无此人」；现有用户：企业甲" in capsys.readouterr().err
    assert main(["users", "add", "临时", "--password", "long enough", *data]) == 0
    assert main(["users", "remove", "临时", *data]) == 0
    assert store.user_named("临时") is None
    store.close()
