"""Pydantic models of the data: a record (one work in papers/), its links, and a taxonomy node."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from .identity import split_arxiv_version

RECORD_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
NODE_ID = r"^[a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)*$"
RECIPE_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"must be an http(s) URL, got scheme '{parts.scheme or 'none'}'")
    if not parts.netloc or any(ch.isspace() for ch in value):
        raise ValueError("is not a well-formed URL (no host, or spaces in it)")
    return value


def _arxiv(value: str) -> str:
    parts = split_arxiv_version(value)
    if parts and parts[1] is not None:
        raise ValueError(f"drop the version suffix: '{parts[0]}'")
    if parts is None:
        if re.fullmatch(r"(1[5-9]|[2-9]\d)\d\d\.\d{4}", value):
            raise ValueError("is cut short: arXiv ids from 2015 on have five digits after the dot")
        raise ValueError("must look like 2503.14476 or math/0601001 (no version, no URL)")
    return value


def _partial_date(value: str) -> str:
    match = PARTIAL_DATE.match(value)
    if not match:
        raise ValueError("must be YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ValueError(f"is not a real date ({exc})") from None
    return value


def first_day(value: str) -> dt.date:
    """The first day a valid partial date (YYYY, YYYY-MM or YYYY-MM-DD) covers."""
    return dt.date.fromisoformat(value + "-01-01"[len(value) - 4 :])


def _iso_day(value: str) -> str:
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        raise ValueError("must be YYYY-MM-DD")
    _partial_date(value)
    return value


def _one_line(value: str) -> str:
    if "\n" in value or not value.strip() or value != value.strip():
        raise ValueError("must be one non-empty line without leading or trailing spaces")
    return value


Text = Annotated[str, AfterValidator(_one_line)]
Url = Annotated[str, AfterValidator(_url)]
ArxivId = Annotated[str, AfterValidator(_arxiv)]
PartialDate = Annotated[str, AfterValidator(_partial_date)]
IsoDay = Annotated[str, AfterValidator(_iso_day)]
NodeId = Annotated[str, StringConstraints(pattern=NODE_ID)]
RecipeId = Annotated[str, StringConstraints(pattern=RECIPE_ID)]


class Links(BaseModel):
    """Where to read, run or discuss the work. Every URL is http(s)."""

    model_config = ConfigDict(extra="forbid")

    arxiv: ArxivId | None = Field(None, description="arXiv identifier without version, e.g. 2503.14476.")
    pdf: Url | None = Field(None, description="Direct link to a PDF when it is not simply the arXiv one.")
    code: Url | None = Field(None, description="Main source code repository.")
    project: Url | None = Field(None, description="Project or model page.")
    blog: Url | None = Field(None, description="Blog post or write-up.")
    openreview: Url | None = Field(None, description="OpenReview forum page.")
    huggingface: Url | None = Field(None, description="Hugging Face model, dataset or paper page.")

    def urls(self) -> dict[str, str]:
        """Every link as a URL, the arXiv id expanded to its abstract page."""
        out = {name: value for name, value in self if value and name != "arxiv"}
        if self.arxiv:
            out["arxiv"] = f"https://arxiv.org/abs/{self.arxiv}"
        return out


class Record(BaseModel):
    """One work (paper, model, framework, ...) stored as papers/<id>.yaml."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, StringConstraints(pattern=RECORD_ID, max_length=80)] = Field(
        description="Stable identifier, equal to the file name without .yaml (lowercase words joined by '-')."
    )
    kind: Annotated[str, StringConstraints(pattern=r"^[a-z]+$")] = Field(
        description="What the work is: one of the kinds in taxonomy/kinds.yaml (paper, model, dataset, ...)."
    )
    title: Text = Field(description="Full title as published.")
    name: Text | None = Field(None, description="Short name the work is known by, e.g. DAPO.")
    authors: list[Text] = Field(default_factory=list, description="Authors in order, 'Given Family'.")
    authors_truncated: bool = Field(False, description="True when the author list stops before the last author.")
    date: PartialDate = Field(description="First public date: YYYY, YYYY-MM or YYYY-MM-DD.")
    venue: Text | None = Field(None, description="Where it appeared, e.g. 'NeurIPS 2025' or 'arXiv'.")
    links: Links = Field(default_factory=Links, description="Identifiers and URLs.")
    taxonomy: list[NodeId] = Field(
        min_length=1, description="Taxonomy node ids (see taxonomy/), at least one, most specific first."
    )
    baselines: list[RecipeId] = Field(
        default_factory=list, description="Ids of baseline recipes in baselines/recipes/ that reproduce this work."
    )
    bibtex_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_:.+-]+$")] | None = Field(
        None, description="Citation key used in BibTeX exports."
    )
    summary: str | None = Field(None, description="What the work does, in the contributor's own words.")
    abstract: str | None = Field(None, description="The paper's own abstract, verbatim, when imported from arXiv.")
    added: IsoDay = Field(description="Day the record was added to rl4lrm (YYYY-MM-DD).")

    @property
    def year(self) -> int:
        return int(self.date[:4])


class TaxonomyNode(BaseModel):
    """A node of the survey taxonomy; facets are the roots (parent is None)."""

    model_config = ConfigDict(extra="forbid")

    id: NodeId = Field(description="Stable id: the facet, then '/'-separated path.")
    title: Text
    section: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)*$")] = Field(
        description="Survey section it comes from, e.g. 3.2.3."
    )
    description: Text = Field(description="One line in our own words.")
    parent: NodeId | None = Field(None, description="Parent node id; defaults to the facet root.")

    @property
    def facet(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def depth(self) -> int:
        return self.id.count("/")
