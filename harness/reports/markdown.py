"""parity.md and check.md: for a check the diagnoses and probes first; the
per-tag table, every cell that is not EXACT, the budgets each engine was
judged by with the bound measured in this run, the engines, every fixture."""
from ..diagnoses.wording import runtime_ranges
from ..judge import tolerances
from ..judge.verdict import STATUS
from ..levels import MEANING as LEVEL_MEANING
from .summary import (CONVENTION_TEXT, RULES, VERDICTS, by_tag, deviation_rows, failing_probes,
                      group_text, not_exact, printed_groups, printed_lines, probe_label,
                      ulp_budgets)


def escape(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def diagnosis_lines(result):
    if not result.diagnoses:
        return ["No classic bug found: no failure or probe matches one."]
    lines = []
    for d in result.diagnoses:
        lines += [f"### {d.title()}{d.aside}", "",
                  f"On {runtime_ranges(d.runtimes)}: {d.meaning}.", ""]
        lines += [f"- {escape(text)}" for text in d.lines()]
        if d.count > len(d.groups()):
            lines.append(f"- ... {d.count - len(d.groups())} more like these")
        lines.append("")
    return lines


def level_lines(result):
    """The summary's line per level (harness/levels.py), as a list."""
    return [f"- level **{line.level}** ({LEVEL_MEANING[line.level]}): {line.text}"
            + ("" if line.counted else " (shown, not counted)")
            for line in result.level_lines()] + [""]


def deviation_notes(result):
    """The budgets, the distances measured, what every verdict means, the rules."""
    lines = ["Every tolerance lives in `harness/judge/tolerances.py`; a node is allowed the "
             "ulps its listed ops propagate to it (first-order error analysis, doubled), "
             "nothing else.", "",
             table(["backend", "deviation classes (value/derivative ulp per op)",
                    "measured max ulp", "where"], deviation_rows(result)), "",
             "### Why each listed op may differ", "", tolerances.describe(ulp_budgets(result)),
             "", "### Verdicts", ""]
    lines += [f"- **{s}** ({STATUS[s].counted}): {meaning}." for s, meaning in VERDICTS.items()]
    lines += ["", "### Conventions", ""]
    lines += [f"- **{key}**: {text}" for key, text in sorted(RULES.items())]
    if result.port is not None:
        lines += ["", "A fixture tagged with one of these may read CONVENTION:", "",
                  table(["tag", "convention"], [(f"`{t}`", w) for t, w in
                                                CONVENTION_TEXT.items()])]
    return "\n".join(lines)


def run_markdown(result):
    title = f"Check of {result.port.name}" if result.port else "Parity matrix"
    about = (f"{result.port.language} port `{result.port.manifest}`" if result.port
             else f"{len(result.fixtures)} fixtures")
    out = [f"# {title}", "", f"**{result.final_line()}** ({about}, reference: python_ref)", ""]
    out += level_lines(result)
    if result.malformed:
        out += ["## Malformed fixtures (each one failed cell)", ""]
        out += [f"- `{line}`" for line in result.malformed] + [""]
    if result.port is not None:
        out += ["## Diagnosis", ""] + diagnosis_lines(result)
        names = list(dict.fromkeys(n for probes in result.probes.values() for n in probes))
        engines = result.engines
        out += ["## Probes", "", table(["probe"] + list(engines), [
            [name] + [f"{probe_label(result.probes[e][name])}: {result.probes[e][name].summary}"
                      if name in result.probes.get(e, {}) else "" for e in engines]
            for name in names]), ""]
        printed = printed_groups(result)
        if printed:
            out += ["## What the port printed", ""]
        for engines, summary in printed:   # an indented block: the port's text as it is
            out += [f"On {', '.join(engines)}, {summary['total']} lines:", ""]
            out += ["    " + line for line in printed_lines(summary)] + [""]
    groups = by_tag(result.fixtures)
    out += ["## By tag", "", table(["tag", "fixtures"] + list(result.columns),
            [[tag, str(len(fs))] + [group_text(fs, c) for c in result.columns]
             for tag, fs in groups.items()]), ""]
    notable = [(f.name, c, cell.summary(), cell.detail()) for f, c, cell in not_exact(result)]
    notable += [(f"probe {p.name}", e, p.verdict, p.summary) for e, p in failing_probes(result)]
    out += ["## Every cell that is not EXACT", ""]
    out += [table(["fixture", "backend", "verdict", "detail"], notable)
            if notable else "None.", ""]
    out += ["## Deviation classes and their measured bounds", "", deviation_notes(result)]
    out += ["", "## Backends", ""]
    out += [f"- `{name}`: {version}" for name, version in sorted(result.versions.items())]
    out += ["", "## All fixtures", "", table(
        ["fixture", "tag"] + list(result.columns),
        [[f.name, f.tags[0] if f.tags else ""] + [f.cells[c].summary() if c in f.cells else ""
                                                  for c in result.columns]
         for f in result.fixtures])]
    return "\n".join(out) + "\n"


__all__ = ["run_markdown", "deviation_notes", "table", "escape", "level_lines"]
