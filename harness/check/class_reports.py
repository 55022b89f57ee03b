"""The class summary, from the ports' outcomes (outcome.py): a terminal table
within 100 columns, and the files

  class.json     every port's outcome (merge reads these back)
  class.csv      one row per port: its score per level, counts, diagnoses
  junit.xml      a testsuite per port, a testcase per fixture and runtime
  ports/<port>/results.json   Gradescope's format: a test per level, the
                 diagnoses as the feedback text

docs/class-mode.md describes each file.
"""
import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..judge.verdict import ERROR, FAILED, NOT_RUN, SKIPPED, STATUS
from ..levels import LEVELS, level_of
from ..run import COUNTED
from .outcome import CHECKED, PortOutcome, diagnosis_title

SUMMARY_KIND = "micrograd-parity-lab class summary"
SUMMARY_VERSION = 1
WIDTH = 100


def ordered(outcomes):
    """Ports in one order whatever order they finished in: by report folder."""
    return sorted(outcomes, key=lambda o: o.slug)


# -- class.json --------------------------------------------------------------------

def summary_json(outcomes, shard=None):
    body = {"kind": SUMMARY_KIND, "version": SUMMARY_VERSION,
            "shard": str(shard) if shard else None,
            "ports": [o.to_json() for o in ordered(outcomes)]}
    return json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


class NotASummary(Exception):
    """A file merge cannot read: one line."""


def read_summary(path):
    """(the outcomes, the shard or None) of a class.json."""
    try:
        body = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise NotASummary(f"{path}: cannot read it: {exc}") from None
    if not isinstance(body, dict) or body.get("kind") != SUMMARY_KIND:
        raise NotASummary(f"{path}: not a class summary (class.json of `check`)")
    if body.get("version") != SUMMARY_VERSION:
        raise NotASummary(f"{path}: summary version {body.get('version')}, this harness reads "
                          f"{SUMMARY_VERSION}")
    return [PortOutcome.from_json(p) for p in body["ports"]], body.get("shard")


# -- class.csv ---------------------------------------------------------------------

CSV_FIELDS = (["port", "name", "manifest", "state", "score", "max_score"]
              + [f"{level}_score" for level in LEVELS] + [c.replace(" ", "_") for c in COUNTED]
              + ["diagnoses", "line", "report"])


def summary_csv(outcomes):
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for o in ordered(outcomes):
        total, most = o.score()
        levels = o.levels()
        counts = o.counts()
        row = {"port": o.slug, "name": o.name, "manifest": o.manifest, "state": o.state,
               "score": total, "max_score": most,
               "diagnoses": "; ".join(diagnosis_title(d) for d in o.diagnoses),
               "line": o.final_line(), "report": o.report}
        row.update({f"{level}_score": levels[level]["score"] if level in levels else ""
                    for level in LEVELS})
        row.update({c.replace(" ", "_"): counts[c] for c in COUNTED})
        writer.writerow(row)
    return out.getvalue()


# -- junit.xml ---------------------------------------------------------------------

def _testsuite(o):
    suite = ET.Element("testsuite", name=o.slug, time=f"{o.seconds:.3f}")
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="manifest",
                  value=o.manifest)
    failures = errors = skipped = tests = 0
    if o.state != CHECKED:   # one testcase says why nothing ran
        case = ET.SubElement(suite, "testcase", classname=o.slug, name="check", time="0")
        ET.SubElement(case, "error", message=o.final_line(), type=o.state).text = o.message
        tests, errors = 1, 1
    for fixture, tags, runtime, status, detail in o.cells:
        case = ET.SubElement(suite, "testcase", classname=f"{o.slug}.{runtime}", name=fixture,
                             time="0")
        tests += 1
        counted = STATUS[status].counted
        level = level_of(tags)
        if level not in o.counted_levels:   # --level: CI went red on a run that exited 0
            ET.SubElement(case, "skipped", message=f"level {level}: shown, not counted "
                                                   f"({status})")
            skipped += 1
        elif counted == FAILED:
            tag = "error" if status in (ERROR, NOT_RUN) else "failure"
            ET.SubElement(case, tag, message=f"{status}: {detail}"[:1000], type=status).text = detail
            errors += tag == "error"
            failures += tag == "failure"
        elif counted == SKIPPED:
            ET.SubElement(case, "skipped", message=f"{status}: {detail}"[:1000])
            skipped += 1
    for line in o.malformed:
        case = ET.SubElement(suite, "testcase", classname=f"{o.slug}.fixtures", name="malformed",
                             time="0")
        ET.SubElement(case, "error", message=line[:1000], type="malformed").text = line
        tests, errors = tests + 1, errors + 1
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    if o.diagnoses or o.not_run:
        ET.SubElement(suite, "system-out").text = feedback(o)
    return suite, (tests, failures, errors, skipped)


def summary_junit(outcomes):
    root = ET.Element("testsuites", name="micrograd ports")
    totals = [0, 0, 0, 0]
    seconds = 0.0
    for o in ordered(outcomes):
        suite, counts = _testsuite(o)
        root.append(suite)
        totals = [a + b for a, b in zip(totals, counts)]
        seconds += o.seconds
    for key, value in zip(("tests", "failures", "errors", "skipped"), totals):
        root.set(key, str(value))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


# -- Gradescope --------------------------------------------------------------------

def feedback(o):
    """What a student reads: the diagnoses (what the port does, how to fix
    it), then why cells were not run."""
    lines = []
    if o.state != CHECKED:
        lines.append(f"The port could not be checked ({o.state}): {o.message}")
    for d in o.diagnoses:
        lines.append(f"{diagnosis_title(d)} ({', '.join(d['runtimes'])}): {d['meaning']}")
    lines += [f"NOT RUN: {cause}" for cause in o.not_run]
    return "\n".join(lines)


def gradescope_results(o):
    """Gradescope's results.json for one port: a test per level."""
    total, _ = o.score()
    tests = []
    for n, (level, entry) in enumerate(o.levels().items(), 1):
        text = (f"{entry['passed']} of {entry['judged']} judged cells passed"
                if entry["judged"] else "not checked")
        test = {"name": f"level {level}", "number": str(n), "score": entry["score"],
                "max_score": entry["max_score"],
                "status": "passed" if entry["judged"] and
                entry["passed"] == entry["judged"] else "failed",
                "output": text, "visibility": "visible"}
        if level not in o.counted_levels:   # --level left it out of the score and the status
            test["name"] += " (not counted)"
            test["output"] = (f"shown, not counted by --level: {text} ({entry['score']:g} of "
                              f"{entry['max_score']:g} points)")
            test["score"] = test["max_score"] = 0.0
            del test["status"]
        tests.append(test)
    counts = o.counts()
    return {"score": total, "execution_time": round(o.seconds), "output": feedback(o)
            or "No classic bug found.", "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"port": o.name, "state": o.state, "line": o.final_line(),
                           "counts": counts}}


# -- the terminal ------------------------------------------------------------------

STATE_STYLES = {CHECKED: "", "bad manifest": "bold red", "does not start": "bold red",
                "harness error": "bold magenta", "interrupted": "yellow",
                "not checked": "dim"}


DIAGNOSIS_WIDTH = 20   # the column's; a port's longer list gets a line of its own


def print_summary(outcomes, console=None):
    """One row per port (score, each level's, failed and NOT RUN cells, the
    diagnoses cut to fit), then the diagnoses the column cut, the whole line
    of each port that could not be checked, and why a checked port's cells
    were not run."""
    console = console or Console(highlight=False, width=WIDTH)
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, title="class summary")
    table.add_column("port", overflow="ellipsis", no_wrap=True, max_width=22)
    table.add_column("score", justify="right", no_wrap=True)
    for level in LEVELS:
        table.add_column(level, justify="right", no_wrap=True)
    table.add_column("failed", justify="right", no_wrap=True)
    table.add_column("not run", justify="right", no_wrap=True)
    table.add_column("diagnosis", overflow="ellipsis", no_wrap=True, max_width=DIAGNOSIS_WIDTH)
    unchecked, cut = [], []
    for o in ordered(outcomes):
        total, most = o.score()
        levels = o.levels()
        counts = o.counts()
        # a bug seen only at levels not counted, in brackets
        what = ", ".join(d["bug"] if d.get("counted", True) else f"({d['bug']})"
                         for d in o.diagnoses)
        if o.state != CHECKED:
            what = o.state
            unchecked.append(o)
        elif len(what) > DIAGNOSIS_WIDTH:
            cut.append((o.slug, what))
        table.add_row(o.slug, f"{total:g}/{most:g}",
                      *[f"{levels[lv]['score']:g}" if lv in levels else "-" for lv in LEVELS],
                      str(counts["failed"]), str(counts["not run"]),
                      Text(what or "-", style=STATE_STYLES.get(o.state, "")))
    console.print(table)
    if any(not d.get("counted", True) for o in outcomes for d in o.diagnoses):
        console.print("diagnosis: (in brackets) seen only at levels --level does not count")
    for slug, what in cut:   # a second diagnosis was cut to "visited-by-value, e…"
        console.print(Text(f"{slug}: diagnoses: {what}", style="bold red"), soft_wrap=True)
    for o in unchecked:
        console.print(Text(f"{o.slug}: {o.state}: {o.message}",
                           style=STATE_STYLES.get(o.state, "")), soft_wrap=True)
    # a port that hangs read "not run 264" and nothing more (fail-fast, the budget)
    for o in ordered(outcomes):
        if o.state == CHECKED and o.counts()["not run"]:
            for cause in o.not_run:
                console.print(Text(f"{o.slug}: NOT RUN: {cause}", style="yellow"), soft_wrap=True)


def write_summary(outcomes, folder, shard=None):
    """class.json, class.csv and junit.xml in folder; each port's
    results.json in folder/ports/<port>/.  The paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in (("class.json", summary_json(outcomes, shard)),
                       ("class.csv", summary_csv(outcomes)),
                       ("junit.xml", summary_junit(outcomes))):
        (folder / name).write_text(text)
        paths.append(folder / name)
    for o in outcomes:
        own = folder / "ports" / o.slug
        own.mkdir(parents=True, exist_ok=True)
        (own / "results.json").write_text(
            json.dumps(gradescope_results(o), indent=1, ensure_ascii=False) + "\n")
    return paths
