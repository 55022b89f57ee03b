"""What a port printed (a Lua port's print(), a command port's stderr), kept
for the reports instead of lost: line by line, each distinct line once with
how many times it came, bounded so that a port printing in every backward
costs a few kilobytes, not the run's memory.

    printed = Printed()
    printed.add("loss 0.5\\nloss 0.4\\n")    # text as it comes, in any pieces
    summary = printed.take()                 # {"lines": [[text, count]], "total": n,
                                             #  "more": lines not kept}; then empty
    merged = merge([summary, other])         # several takes (tasks, processes) as one
"""
MAX_LINES = 20       # distinct lines kept per engine; the rest are counted in "more"
MAX_CHARS = 200      # a longer line is cut here (and ends with "...")
MAX_PARTIAL = 4096   # characters of an unfinished line held until its end comes


def _cut(line):
    line = line.rstrip("\r")
    return line if len(line) <= MAX_CHARS else line[:MAX_CHARS] + "..."


class Printed:
    """Lines as they come, counted; take() hands them over and starts again."""

    def __init__(self):
        self._counts, self._total, self._more, self._partial = {}, 0, 0, ""

    def add(self, text):
        """Some of what the port wrote (str, or bytes: read as UTF-8)."""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        *lines, self._partial = (self._partial + text).split("\n")
        self._partial = self._partial[-MAX_PARTIAL:]
        for line in lines:
            self.add_line(line)

    def add_line(self, line):
        self._total += 1
        line = _cut(line)
        if line in self._counts:
            self._counts[line] += 1
        elif len(self._counts) < MAX_LINES:
            self._counts[line] = 1
        else:
            self._more += 1

    def add_uncounted(self, n):
        """n more lines the port printed that never reached here (past a cap)."""
        self._total += n
        self._more += n

    def take(self):
        """Everything since the last take (an unfinished last line too), or
        None when nothing was printed."""
        if self._partial:
            self.add_line(self._partial)
            self._partial = ""
        if not self._total:
            return None
        summary = {"lines": [[line, n] for line, n in self._counts.items()],
                   "total": self._total, "more": self._more}
        self.__init__()
        return summary


def merge(summaries):
    """Several take()s as one, in the order given (None ones left out)."""
    out = {}
    total = more = 0
    for summary in summaries:
        if not summary:
            continue
        total += summary["total"]
        more += summary["more"]
        for line, n in summary["lines"]:
            if line in out:
                out[line] += n
            elif len(out) < MAX_LINES:
                out[line] = n
            else:
                more += n
    if not total:
        return None
    return {"lines": [[line, n] for line, n in out.items()], "total": total, "more": more}


def describe(summary, lines=3):
    """One line for the terminal: 'printed 40 lines: "loss 0.5" (x20), ...'."""
    first = summary["lines"][:lines]
    shown = [f'"{line}"' + (f" (x{n})" if n > 1 else "") for line, n in first]
    total = summary["total"]
    rest = total - sum(n for _, n in first)
    tail = f", and {rest} more (the reports list {MAX_LINES} distinct lines)" if rest else ""
    return f"printed {total} line{'s' if total != 1 else ''}: " + ", ".join(shown) + tail
