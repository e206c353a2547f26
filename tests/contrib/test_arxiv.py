"""The arXiv client against recorded Atom answers: parsing, ids, errors, retries and spacing."""

from __future__ import annotations

import pytest
import requests
import responses
from responses import matchers

from rl4lrm.contrib.arxiv import (
    USER_AGENT,
    ArxivClient,
    ArxivError,
    ArxivFormatError,
    ArxivNotFound,
    parse_feed,
    split_version,
)

from .recorded import API, cassette


class FakeClock:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds


def client(clock: FakeClock | None = None, **kwargs) -> ArxivClient:
    clock = clock or FakeClock()
    return ArxivClient(clock=clock, sleep=clock.sleep, **kwargs)


def test_normal_paper_is_parsed() -> None:
    (entry,) = parse_feed(cassette("dapo.xml"))
    assert entry.arxiv_id == "2503.14476"
    assert entry.version == 2
    assert entry.title == "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
    assert entry.authors == ["Qiying Yu", "Zheng Zhang", "Ruofei Zhu", "Mingxuan Wang"]
    assert entry.date == "2025-03-18"
    assert entry.abstract.startswith("Test abstract for the recorded answer. It describes decoupled clipping and dyn")
    assert "\n" not in entry.abstract
    assert entry.journal_ref is None
    assert not entry.withdrawn


def test_old_style_id_with_journal_ref() -> None:
    (entry,) = parse_feed(cassette("old_style.xml"))
    assert (entry.arxiv_id, entry.version) == ("hep-th/9711200", 3)
    assert entry.journal_ref == "Adv.Theor.Math.Phys. 2 (1998) 231-252"
    assert entry.authors == ["Juan M. Maldacena"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2503.14476", ("2503.14476", None)),
        ("2503.14476v12", ("2503.14476", 12)),
        ("math/0601001", ("math/0601001", None)),
        ("math/0601001v2", ("math/0601001", 2)),
        ("1501.00001", ("1501.00001", None)),
    ],
)
def test_split_version(text: str, expected: tuple[str, int | None]) -> None:
    assert split_version(text) == expected


@pytest.mark.parametrize(
    "text", ["", "25031.4476", "https://arxiv.org/abs/2503.14476", "$(touch pwned)", "2503.14476v"]
)
def test_split_version_refuses_non_ids(text: str) -> None:
    with pytest.raises(ArxivError, match="is not an arXiv id"):
        split_version(text)


def test_withdrawn_paper_is_flagged() -> None:
    (entry,) = parse_feed(cassette("withdrawn.xml"))
    assert entry.withdrawn


@pytest.mark.parametrize("name", ["empty.xml", "empty_entry.xml"])
def test_nonexistent_ids_give_no_entry(name: str) -> None:
    assert parse_feed(cassette(name)) == []


def test_api_error_entry_raises_not_found() -> None:
    with pytest.raises(ArxivNotFound, match=r"incorrect id format for 2503\.1447"):
        parse_feed(cassette("error_entry.xml"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (cassette("malformed.xml"), "not well-formed XML"),
        (cassette("entities.xml"), "declares a DTD or entities"),
        ("<html><body>Service unavailable</body></html>", "not an Atom feed"),
        ("", "not well-formed XML"),
        (b"\xff\xfe\x00garbage", "not well-formed XML"),
    ],
)
def test_malformed_bodies_raise_format_error(body: str | bytes, message: str) -> None:
    with pytest.raises(ArxivFormatError, match=message) as info:
        parse_feed(body)
    assert "\n" not in str(info.value)


@responses.activate
def test_get_sends_id_list_and_user_agent() -> None:
    responses.get(
        API,
        body=cassette("dapo.xml"),
        match=[
            matchers.query_param_matcher({"id_list": "2503.14476", "max_results": "1"}),
            matchers.header_matcher({"User-Agent": USER_AGENT}),
        ],
    )
    entry = client().get("2503.14476v1")
    assert entry.arxiv_id == "2503.14476"


@responses.activate
def test_get_nonexistent_raises_not_found() -> None:
    responses.get(API, body=cassette("empty.xml"))
    with pytest.raises(ArxivNotFound, match=r"arXiv has no paper 2599\.99999"):
        client().get("2599.99999")


@responses.activate
def test_503_then_success_honours_retry_after() -> None:
    responses.get(API, status=503, headers={"Retry-After": "7"})
    responses.get(API, body=cassette("dapo.xml"))
    clock = FakeClock()
    entry = client(clock).get("2503.14476")
    assert entry.version == 2
    assert len(responses.calls) == 2
    # waits 7 s as told, then nothing more: 7 s already exceed the 3 s spacing
    assert clock.waits == [7.0]


@responses.activate
def test_retry_after_is_capped_and_backoff_grows_without_it() -> None:
    responses.get(API, status=429, headers={"Retry-After": "3600"})
    responses.get(API, status=502)
    responses.get(API, status=500)
    responses.get(API, body=cassette("dapo.xml"))
    clock = FakeClock()
    client(clock, max_wait=30, backoff=5, min_interval=0).get("2503.14476")
    assert clock.waits == [30.0, 10.0, 20.0]


@responses.activate
def test_persistent_5xx_gives_one_line_error() -> None:
    responses.get(API, status=503)
    with pytest.raises(ArxivError, match=r"^arXiv answered HTTP 503 Service Unavailable$"):
        client(retries=2).get("2503.14476")
    assert len(responses.calls) == 3


@responses.activate
def test_timeout_is_retried_then_reported() -> None:
    responses.get(API, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(ArxivError, match="did not answer within 30 s"):
        client(retries=1).get("2503.14476")
    assert len(responses.calls) == 2


@responses.activate
def test_connection_error_is_one_line() -> None:
    responses.get(API, body=requests.exceptions.ConnectionError("Name or service not known"))
    with pytest.raises(ArxivError, match=r"^cannot reach arXiv \(ConnectionError\); check your connection$"):
        client(retries=0).get("2503.14476")


@responses.activate
def test_calls_are_spaced_three_seconds_apart() -> None:
    responses.get(API, body=cassette("dapo.xml"))
    responses.get(API, body=cassette("old_style.xml"))
    clock = FakeClock()
    arxiv = client(clock)
    arxiv.get("2503.14476")
    clock.now += 1.0  # one second of other work
    arxiv.get("hep-th/9711200")
    assert clock.waits == [2.0]


@responses.activate
def test_fetch_batches_id_lists() -> None:
    responses.get(
        API,
        body=cassette("dapo.xml"),
        match=[matchers.query_param_matcher({"id_list": "2503.14476,hep-th/9711200", "max_results": "2"})],
    )
    responses.get(
        API,
        body=cassette("empty.xml"),
        match=[matchers.query_param_matcher({"id_list": "2599.99999", "max_results": "1"})],
    )
    found = client(min_interval=0).fetch(["2503.14476v2", "hep-th/9711200", "2599.99999", "2503.14476"], batch=2)
    assert list(found) == ["2503.14476"]
    assert len(responses.calls) == 2
