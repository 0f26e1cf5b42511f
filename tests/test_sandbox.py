"""The bounded sandbox (#11 placeholders and user templates): hangs end in seconds, memory stays bounded, data is immutable."""

import time

import jinja2
import pytest

from docgen.sandbox import MAX_OUTPUT, LimitError, Sandbox, data_only


@pytest.fixture(scope="module")
def env():
    return Sandbox(undefined=jinja2.StrictUndefined, finalize=data_only)


@pytest.mark.parametrize("source", [
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",  # hung > 45 s
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",  # no output at all
    "{{ 'a'|center(999999999) }}",
    "{{ 'a'.ljust(999999999) }}",
    "{{ '{:>999999999}'.format('a') }}",
    "{{ '{0:>{1}}'.format('a', 999999999) }}",
    "{{ '%999999999s' % 'a' }}",
    "{{ '%999999999s'|format('a') }}",
    "{{ 'x' * 100000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ range(10**9)|list }}",
])
def test_work_and_memory_are_bounded(env, source):
    started = time.monotonic()
    with pytest.raises(LimitError):
        env.from_string(source).render()
    assert time.monotonic() - started < 10


def test_output_is_capped(env):
    source = "{% for i in range(99999) %}" + "{{ 'x' * 9999 }}" + "{% endfor %}"
    with pytest.raises(LimitError, match=f"{MAX_OUTPUT:,}"):
        env.from_string(source).render()


@pytest.mark.parametrize("source", ["{{ ''.format }}", "{{ namespace }}", "{{ self }}", "{{ cycler }}",
                                    "{{ recipient }}", "{{ recipient.items }}"])
def test_only_data_is_printed(env, source):
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.from_string(source).render(recipient={"name": "单位"})


@pytest.mark.parametrize("source", ["{{ recipient.update({'name': '篡改单位'}) }}", "{{ recipient.pop('name') }}",
                                    "{{ names.append('x') }}", "{% set _ = recipient.clear() %}"])
def test_data_is_immutable(env, source):
    recipient, names = {"name": "单位"}, ["a"]
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.from_string(source).render(recipient=recipient, names=names)
    assert recipient == {"name": "单位"} and names == ["a"]


def test_ordinary_templates_still_work(env):
    source = "{% for i in range(3) %}{{ i }}{% endfor %}|{{ '{:,}'.format(1234567) }}|{{ 7 % 3 }}|{{ 'ab' * 3 }}"
    assert env.from_string(source).render() == "012|1,234,567|1|ababab"


def test_each_render_gets_its_own_budget(env):
    template = env.from_string("{% for i in range(60000) %}{% endfor %}ok")
    assert [template.render() for _ in range(3)] == ["ok"] * 3  # 180,000 range items in all, 60,000 per render
