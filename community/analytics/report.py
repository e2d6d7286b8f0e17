"""The dashboard as panels: each a title, its SVG charts, and one table whose text the page shows
and the CSV download writes cell for cell, so both always carry the same figures and the same
suppression."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.analytics.charts import Bar, horizontal_bars, vertical_bars
from community.analytics.privacy import Figure, Hidden
from community.analytics.selectors import METRIC_LABELS, METRICS, Analytics, Breakdown, Row


@dataclass
class Panel:
    slug: str
    title: str
    desc: str
    columns: list[str]
    rows: list[list[str]]
    charts: list[tuple[str, str]] = field(default_factory=list)  # (caption, SVG markup)
    table_open: bool = False  # the table is the figure itself (official answers)


def figure_text(figure: Figure, k: int) -> str:
    if figure.hidden is Hidden.SMALL:
        return _("fewer than %(k)s") % {"k": k}
    if figure.hidden is Hidden.COMPLEMENT:
        return _("hidden")
    return str(figure.value)


def _bar(label: str, figure: Figure, k: int) -> Bar:
    return Bar(label, figure.value if figure.shown else None, figure_text(figure, k))


def _chart(
    draw: Callable[..., str], chart_id: str, title: str, desc: str, bars: list[Bar], **size: int
) -> tuple[str, str]:
    return title, draw(chart_id=chart_id, title=title, desc=desc, bars=bars, **size)


def _wait_text(wait: timedelta | None) -> str:
    if wait is None:
        return "—"
    days = wait.total_seconds() / 86400
    if days < 1:
        hours = round(wait.total_seconds() / 3600, 1)
        return ngettext("%(n)s hour", "%(n)s hours", int(hours)) % {"n": hours}
    return ngettext("%(n)s day", "%(n)s days", int(days)) % {"n": round(days, 1)}


def _hatch_note(k: int) -> str:
    return _(
        "Hatched bars are hidden: a group of fewer than %(k)s members, or a figure that would "
        "let one be worked out by subtraction."
    ) % {"k": k}


def panels(analytics: Analytics) -> list[Panel]:
    k = analytics.k
    note = _hatch_note(k)
    result = [_weekly(analytics, note), _answers(analytics, note)]
    funnel_bars = [_bar(row.label, row.figure, k) for row in analytics.funnel]
    result.append(
        Panel(
            "funnel",
            _("Status funnel: ideas posted in the period that reached each status"),
            _("Counts an idea at every status it reached, even if it was declined later."),
            [_("Status"), _("Ideas")],
            [[bar.label, bar.text] for bar in funnel_bars],
            [_chart(horizontal_bars, "funnel", _("Status funnel"), note, funnel_bars)],
        )
    )
    adopted_bars = [_bar(row.label, row.figure, k) for row in analytics.adopted]
    result.append(
        Panel(
            "adopted",
            _("Ideas adopted (Done) per quarter"),
            _("Quarters at the edges of the period count only the part inside it."),
            [_("Quarter"), _("Ideas")],
            [[bar.label, bar.text] for bar in adopted_bars],
            [_chart(vertical_bars, "adopted", _("Ideas adopted per quarter"), note, adopted_bars)]
            if adopted_bars
            else [],
        )
    )
    for slug in ("categories", "campaigns"):
        breakdown = analytics.breakdowns[slug]
        bars = [_bar(row.label, row.figure, k) for row in breakdown.rows]
        result.append(
            Panel(
                slug,
                breakdown.title,
                _("Ideas posted in the period."),
                [_("Name"), _("Ideas")],
                [[bar.label, bar.text] for bar in bars],
                [_chart(horizontal_bars, slug, breakdown.title, note, bars)],
            )
        )
    dimensions = {
        "role": (_("Partners and customers"), _("Role")),
        "age-band": (_("Age band"), _("Age band")),
        "customer-type": (_("Customer type"), _("Customer type")),
        "region": (_("Region"), _("Region")),
    }
    for prefix, (title, column) in dimensions.items():
        result.append(_dimension(analytics, prefix, title, column, note))
    return result


def _weekly(analytics: Analytics, note: str) -> Panel:
    k = analytics.k
    weeks = [week for week, _figure in analytics.weekly["ideas"]]
    charts = []
    for metric in METRICS:
        bars = [
            _bar(dateformat.format(week, "j M"), figure, k)
            for week, figure in analytics.weekly[metric]
        ]
        label = str(METRIC_LABELS[metric])
        title = _("%(metric)s per week") % {"metric": label.capitalize()}
        charts.append(_chart(vertical_bars, f"weekly-{metric}", title, note, bars))
    rows = []
    for index, week in enumerate(weeks):
        rows.append(
            [week.isoformat()]
            + [figure_text(analytics.weekly[metric][index][1], k) for metric in METRICS]
        )
    return Panel(
        "weekly",
        _("Activity per week"),
        _("Weeks start on Monday. Votes and comments on public ideas only."),
        [_("Week of")] + [str(METRIC_LABELS[metric]).capitalize() for metric in METRICS],
        rows,
        charts,
    )


def _answers(analytics: Analytics, note: str) -> Panel:
    k = analytics.k
    share = analytics.answered_share
    share_text = "—" if share is None else f"{share:.0%}"
    if analytics.median_hidden is not None:
        wait = figure_text(Figure(None, analytics.median_hidden), k)
    else:
        wait = _wait_text(analytics.median_wait)
    bars = [
        _bar(_("Ideas posted"), analytics.posted, k),
        _bar(_("With an official answer"), analytics.answered, k),
    ]
    return Panel(
        "answers",
        _("Official answers"),
        _(
            "Ideas posted in the period that have an official answer (a status change), and the "
            "median time from posting to the first one."
        ),
        [_("Figure"), _("Value")],
        [
            [bars[0].label, bars[0].text],
            [bars[1].label, bars[1].text],
            [_("Share answered"), share_text],
            [_("Median time to the first answer"), wait],
        ],
        [_chart(horizontal_bars, "answers", _("Official answers"), note, bars)],
        table_open=True,
    )


def _dimension(analytics: Analytics, prefix: str, title: str, column: str, note: str) -> Panel:
    k = analytics.k
    breakdowns: list[Breakdown] = [analytics.breakdowns[f"{prefix}-{metric}"] for metric in METRICS]
    labels: list[Row] = breakdowns[0].rows
    charts = [
        _chart(
            horizontal_bars,
            f"{prefix}-{metric}",
            breakdown.title,
            note,
            [_bar(row.label, row.figure, k) for row in breakdown.rows],
            width=480,
        )
        for metric, breakdown in zip(METRICS, breakdowns, strict=True)
    ]
    rows = [
        [row.label] + [figure_text(breakdown.rows[index].figure, k) for breakdown in breakdowns]
        for index, row in enumerate(labels)
    ]
    desc = (
        _("Members counted by the role they hold now.")
        if prefix == "role"
        else _("As members chose to share it on their profile; blank means not shared.")
    )
    return Panel(
        prefix,
        title,
        desc,
        [column] + [str(METRIC_LABELS[metric]).capitalize() for metric in METRICS],
        rows,
        charts,
    )
