"""check.md: the diagnoses first, then the probes per runtime, the cells per
tag, every cell that did not pass, the budgets the port was judged by, and
every fixture."""
from ..judge import tolerances
from ..matrix.report_md import _escape, _table
from .report_summary import VERDICTS, by_tag, group_text, not_passing
from ..judge.conventions import CONVENTIONS


def diagnosis_lines(result):
    if not result.diagnoses:
        return ["No classic bug found: no failure or probe matches one."]
    lines = []
    for d in result.diagnoses:
        lines += [f"### {d.bug.title}", "", f"On {', '.join(d.runtimes)}: {d.bug.meaning}.", ""]
        for e in d.evidence:
            node = f", node `{e.node}`" if e.node else ""
            lines.append(f"- {e.runtime}: {e.where}{node}: {_escape(e.detail)}")
        if d.count > len(d.evidence):
            lines.append(f"- ... {d.count - len(d.evidence)} more like these")
        lines.append("")
    return lines


def budget_lines(result):
    lines = []
    for name in sorted({run.budget for run in result.runs}):
        users = ", ".join(run.name for run in result.runs if run.budget == name)
        rows = [(f"`{op}`", b.data, b.grad, b.reason)
                for op, b in tolerances.PORT_BUDGETS.get(name, {}).items()]
        lines += [f"`{name}` ({users}):", "",
                  _table(["op", "value ulps", "derivative ulps", "why"], rows), ""]
    lines += [f"Gradient accumulation order: {tolerances.PORT_REORDERS}.", ""]
    return lines


def check_markdown(result):
    runs = result.runs
    out = [f"# Check of {result.port}", "",
           f"**{result.final_line()}**: {result.language} port `{result.manifest}`, on "
           + ", ".join(f"{r.name} ({r.version})" for r in runs)
           + "; every value and gradient compared with python_ref.", ""]
    if result.malformed:
        out += ["## Malformed fixtures", ""] + [f"- `{m}`" for m in result.malformed] + [""]
    out += ["## Diagnosis", ""] + diagnosis_lines(result)
    names = list(dict.fromkeys(name for r in runs for name in r.probes))
    out += ["## Probes", "", _table(["probe"] + [r.name for r in runs], [
        [name] + [f"{r.probes[name].status}: {r.probes[name].summary}" if name in r.probes
                  else "" for r in runs] for name in names]), ""]
    out += ["## By tag", "", _table(["tag"] + [r.name for r in runs], [
        [f"{tag} ({len(fs)})"] + [group_text(fs, r) for r in runs]
        for tag, fs in by_tag(result.fixtures).items()]), ""]
    failing = not_passing(result)
    if failing:
        out += ["## Cells that did not pass", "", _table(
            ["fixture", "runtime", "verdict", "detail"],
            [(f.name, run.name, cell.status, cell.detail()) for f, run, cell in failing]), ""]
    out += ["## What the verdicts mean", "", _table(["verdict", "meaning"], VERDICTS.items()), "",
            "Conventions (a fixture tagged with one may read CONVENTION):", "",
            _table(["tag", "convention"], [(f"`{t}`", c.what) for t, c in CONVENTIONS.items()]),
            "", "## Budgets", ""] + budget_lines(result)
    out += ["## Every fixture", "", _table(
        ["fixture", "tag"] + [r.name for r in runs],
        [[f.name, f.tags[0] if f.tags else ""] + [r.cells[f.name].summary() if f.name in r.cells
                                                  else "" for r in runs]
         for f in result.fixtures])]
    return "\n".join(out) + "\n"
