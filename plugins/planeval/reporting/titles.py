"""A campaign's names as the documents print them: the report's title by the campaign's kind (总结评估报告,
中期评估报告, 年度/上半年工作总结) unless the campaign sets its own ``title``, and the campaign's work as a letter
or a workbook names it. The one source of both: the report, its file name, the annex titles, the workbooks and
the letters all take them from ``campaign_title``. The place name leads each title once (``Catalog.placed``).

May import: planeval.catalog."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planeval.catalog import Campaign, Catalog

# What each kind of campaign produces: the word that closes its work's name (docs/reports.md, “Titles”).
KIND_WORDS: dict[str, str] = {
    "summary": "总结评估",
    "midterm": "中期评估",
    "annual": "年度工作总结",
    "half_year": "上半年工作总结",
}

# The kinds whose document is a report (…评估报告); the others' document is the 工作总结 itself.
REPORT_KINDS = ("summary", "midterm")

# Words a campaign's name may already end with that say its kind: cut before the kind's own word is added, so a
# name “…规划总结评估” of a midterm campaign is not titled “…规划总结评估中期评估报告”. Longest first.
_KIND_ENDINGS = tuple(
    sorted(
        (
            "总结评估",
            "中期评估",
            "评估",
            "半年度工作完成情况",
            "上半年工作完成情况",
            "全年工作完成情况",
            "年度工作完成情况",
            "工作完成情况",
            "上半年工作总结",
            "半年工作总结",
            "年度工作总结",
            "工作总结",
            "报告",
        ),
        key=len,
        reverse=True,
    )
)


@dataclass(frozen=True)
class CampaignTitle:
    report: str  # the report's title: 海安市“十四五”…规划总结评估报告, 2023年温岭市…工作要点上半年工作总结
    # the campaign's work as the notice and the letters name it, without the place the office's own documents
    # need not repeat: “十四五”…规划总结评估 (关于…报送情况的反馈函); a workbook's title leads it with the place
    work: str
    parts: tuple[str, ...]  # the report's title in the pieces a title may break between (typography.title_lines)
    units_reports: str  # what each unit writes for the campaign: 总结评估报告, 中期评估报告, 年度工作总结

    @property
    def compilation(self) -> str:
        """The office's working annex of the units' reports: 各单位总结评估报告汇编(工作稿)."""
        return f"各单位{self.units_reports}汇编(工作稿)"


def campaign_subject(campaign: Campaign) -> str:
    """The campaign's name without the words that say its kind (“安全生产“十四五”规划总结评估” → “…规划”)."""
    name = campaign.name.strip()
    for _ in range(2):  # “…中期评估报告”: both the document word and the kind word
        ending = next((word for word in _KIND_ENDINGS if name.endswith(word) and len(name) > len(word)), "")
        name = name.removesuffix(ending)
    return name


def campaign_title(catalog: Catalog, campaign: Campaign) -> CampaignTitle:
    """The report's title and the work's name, by ``campaign.kind`` unless ``campaign.title`` is set; led by the
    place name once. A yearly or half-year campaign's name gets its year (2023年) when it does not say it."""
    if campaign.title:
        title = catalog.placed(campaign.title)
        work = campaign.title.removesuffix("报告")
        return CampaignTitle(report=title, work=work, parts=(title,), units_reports=_units_reports(campaign))
    subject = campaign_subject(campaign)
    if campaign.kind not in REPORT_KINDS and f"{campaign.year}年" not in subject:
        subject = f"{campaign.year}年{subject}"
    placed = catalog.placed(subject)
    lead = placed.removesuffix(subject)  # the place name where it was added, else ""
    ending = _units_reports(campaign)  # the office's report is the kind's report too
    parts = tuple(part for part in (lead, subject, ending) if part)
    work = f"{subject}{KIND_WORDS[campaign.kind]}"
    return CampaignTitle(report=f"{placed}{ending}", work=work, parts=parts, units_reports=ending)


def _units_reports(campaign: Campaign) -> str:
    """The document a campaign asks for: the kind's word, with 报告 for an assessment (总结评估报告)."""
    word = KIND_WORDS[campaign.kind]
    return f"{word}报告" if campaign.kind in REPORT_KINDS else word


_PLAN_PERIOD = re.compile(r"“十[一二三四五六七八九]五”")


def project_sheet_title(catalog: Catalog, campaign: Campaign) -> str:
    """The one-page-per-project sheets' title as the 附件说明 lists them: the place once, the plans' period
    (“十四五”) when their names carry it, and the plans' own word for their projects (重点工程, 重大工程)."""
    period = next((m.group() for p in catalog.campaign_plans(campaign) if (m := _PLAN_PERIOD.search(p.name))), "")
    return catalog.placed(f"{period}{catalog.projects_label(campaign)}项目单片材料")
