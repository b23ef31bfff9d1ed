"""The Plan: one plan as data, keyed as the interchange JSON (shared ARCHITECTURE.md), every value with evidence.

Objects in lists (legal references, targets, projects …) carry their own ``span``; scalar header fields
(number, symbol, place, title …) carry theirs in ``Plan.evidence`` keyed by field name, so that the
interchange keys keep the plain values that gold files and other tools read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """Evidence: a span of the normalised text, with its line (and page for paged formats)."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    line: int | None = Field(None, ge=1, description="1-based line of the start offset.")
    page: int | None = Field(None, ge=1, description="1-based page of the start offset (PDF).")
    text: str | None = Field(None, description="The text the span covers (Document.text[start:end]).")


class DocType(StrEnum):
    ke_hoach = "ke_hoach"
    quyet_dinh = "quyet_dinh"
    cong_van = "cong_van"
    nghi_quyet = "nghi_quyet"
    nghi_dinh = "nghi_dinh"
    thong_tu = "thong_tu"
    chi_thi = "chi_thi"
    luat = "luat"
    huong_dan = "huong_dan"
    thong_bao = "thong_bao"
    chuong_trinh = "chuong_trinh"
    bao_cao = "bao_cao"
    to_trinh = "to_trinh"
    ket_luan = "ket_luan"
    de_an = "de_an"
    khac = "khac"


Level = Literal["xa", "huyen", "tinh", "trung_uong"]


class PartialDate(BaseModel):
    """A date whose parts may be blank in a draft ("ngày   tháng 05 năm 2023")."""

    year: int | None = Field(None, ge=1900, le=2100)
    month: int | None = Field(None, ge=1, le=12)
    day: int | None = Field(None, ge=1, le=31)

    def iso(self) -> str | None:
        if self.year and self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return None


class Issuer(BaseModel):
    name: str | None = Field(None, description='As a reader would write it: "UBND xã Tân Lợi".')
    level: Level | None = None
    unit: str | None = Field(None, description='Unit name without its type: "Tân Lợi".')
    unit_type: str | None = Field(None, description='"xã", "phường", "huyện", "thành phố", "tỉnh" …')
    parent: str | None = Field(None, description='Parent unit with its type: "huyện Hớn Quản".')
    province: str | None = Field(None, description="Province the unit belongs to (gazetteer).")
    code: str | None = Field(None, description="Administrative unit code from the gazetteer.")
    span: Span | None = None


class Period(BaseModel):
    start_year: int | None = None
    end_year: int | None = None
    span: Span | None = None


class LegalRef(BaseModel):
    """One cited document, merged over every place it is cited."""

    type: str | None = Field(None, description="DocType value: quyet_dinh, nghi_dinh, ke_hoach …")
    number: str | None = Field(None, description='Full symbol, normalised: "90/QĐ-TTg", "24/2021/NQ-QH15".')
    date: str | None = Field(None, description="ISO date of the first full date it is given.")
    issuer: str | None = None
    title: str | None = None
    dates_seen: list[str] = Field(default_factory=list, description="Every distinct date it is given (ISO or partial).")
    titles_seen: list[str] = Field(default_factory=list)
    in_preamble: bool = False
    span: Span | None = Field(None, description="First citation.")
    mentions: list[Span] = Field(default_factory=list, description="Every place it is cited (short forms included).")


class Target(BaseModel):
    indicator: str
    value: float
    value_max: float | None = Field(None, description='Upper bound of a range ("0,2-0,25%").')
    unit: str
    year: int | None = None
    scope: str | None = Field(None, description="Unit the target applies to (a row of a per-unit table).")
    direction: Literal["reach", "reduce_by", "reduce_to", "increase_by", "increase_to", "keep"] | None = None
    table: int | None = Field(None, description="Index of the table it was read from.")
    span: Span | None = None


class Project(BaseModel):
    programme: str | None = Field(None, description="Catalogue key of the national programme, e.g. giam_ngheo_2021_2025.")
    project: int = Field(ge=1)
    subproject: int | None = Field(None, ge=1)
    name: str | None = None
    budget_vnd: int | None = None
    lead: str | None = None
    span: Span | None = None


class Assignment(BaseModel):
    body: str
    role: str = Field(description="chu_tri | phoi_hop | tham_muu | thuc_hien | bao_cao | de_nghi …")
    tasks: str | None = None
    span: Span | None = None


class Budget(BaseModel):
    amount_vnd: int
    in_words: str | None = None
    in_words_vnd: int | None = Field(None, description="The amount in words, parsed.")
    purpose: str | None = None
    span: Span | None = None


class Deadline(BaseModel):
    date: PartialDate
    recurring: str | None = Field(None, description='"monthly", "quarterly" … for "trước ngày 20 hằng tháng".')
    what: str | None = None
    who: str | None = None
    span: Span | None = None


class Signer(BaseModel):
    name: str | None = None
    position: str | None = None
    authority: str | None = Field(None, description='"TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH" (lines joined by "; ").')
    span: Span | None = None


Severity = Literal["error", "warning", "info"]


class Finding(BaseModel):
    """A defect an auditor should look at, with the exact text that shows it."""

    code: str = Field(description="Stable rule code, e.g. sum_mismatch, citation_date_conflict.")
    severity: Severity
    message: str = Field(description="Vietnamese message.")
    message_en: str | None = Field(None, description="English gloss.")
    evidence: list[Span] = Field(min_length=1, description="Spans in this plan; a finding without evidence is a bug.")
    related: list[Span] = Field(
        default_factory=list, description="Evidence in another plan (cross-level checks: the higher plan)."
    )
    related_source: str | None = Field(None, description="File of the plan the related spans point into.")
    data: dict = Field(default_factory=dict, description="Values the rule computed (expected, actual …).")


class Plan(BaseModel):
    """One plan, as the interchange JSON."""

    source: str
    sha256: str | None = None
    format: str | None = None
    doc_type: DocType | None = None
    number: str | None = None
    symbol: str | None = None
    issuer: Issuer = Field(default_factory=Issuer)
    place: str | None = None
    issue_date: PartialDate = Field(default_factory=PartialDate)
    title: str | None = None
    period: Period = Field(default_factory=Period)
    legal_bases: list[LegalRef] = Field(default_factory=list)
    references: list[LegalRef] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    baselines: list[Target] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    budgets: list[Budget] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    signer: Signer = Field(default_factory=Signer)
    findings: list[Finding] = Field(default_factory=list)
    evidence: dict[str, Span] = Field(
        default_factory=dict, description="Spans of scalar fields (number, symbol, place, issue_date, title, doc_type)."
    )

    def all_refs(self) -> list[LegalRef]:
        return [*self.legal_bases, *self.references]
