"""What a reader sees of a matplotlib figure's layout: every text the figure
draws (titles, axis labels, tick labels, legends, annotations), its legends
and its axes, each with its box on the canvas, noted while the figure draws
itself (savefig draws it once), and the boxes that overlap."""
from contextlib import contextmanager
from dataclasses import dataclass, field

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text

SLACK = 0.5  # pixels two boxes may share (antialiased edges touching)


@dataclass
class Layout:
    texts: list = field(default_factory=list)    # (text, box)
    legends: list = field(default_factory=list)  # box
    axes: list = field(default_factory=list)     # (title, box) of each visible axes


@contextmanager
def noting_layout():
    """Inside the block, every figure that draws notes its Layout in the dict
    this yields, by Figure (a figure's last draw counts)."""
    layouts = {}
    originals = {cls: cls.draw for cls in (Figure, Text, Legend, Axes)}

    def noting(cls):
        def draw(self, renderer):
            if cls is Figure:
                layouts[self] = Layout()
                return originals[cls](self, renderer)
            result = originals[cls](self, renderer)
            layout = layouts.get(self.get_figure(root=True))
            if layout is None or not self.get_visible():
                return result
            if cls is Text and self.get_text().strip():
                layout.texts.append((self, self.get_window_extent(renderer)))
            elif cls is Legend:
                layout.legends.append(self.get_window_extent(renderer))
            elif cls is Axes:
                layout.axes.append((self.get_title(), self.get_window_extent(renderer)))
            return result
        return draw

    for cls in originals:
        cls.draw = noting(cls)
    try:
        yield layouts
    finally:
        for cls, draw in originals.items():
            cls.draw = draw


def layout_of(fig):
    """Draw fig once and return its Layout."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with noting_layout() as layouts:
        canvas.draw()
    return layouts[fig]


def _overlap(a, b):
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > SLACK
            and min(a.y1, b.y1) - max(a.y0, b.y0) > SLACK)


def overlapping_texts(layout):
    """['"a" overlaps "b"'] for every pair of drawn texts whose boxes meet
    (sorted by their left edges, each box is held against the boxes that
    start before it ends: a heatmap draws hundreds)."""
    order = sorted(layout.texts, key=lambda item: item[1].x0)
    found = []
    for i, (a, box_a) in enumerate(order):
        for b, box_b in order[i + 1:]:
            if box_b.x0 >= box_a.x1:
                break
            if _overlap(box_a, box_b):
                found.append(f"{a.get_text()!r} overlaps {b.get_text()!r}")
    return found


def legends_over_axes(layout):
    """['a legend over axes N'] for every legend whose box meets an axes' plotting area."""
    return [f"a legend over axes {i} ({title!r})"
            for legend in layout.legends for i, (title, box) in enumerate(layout.axes)
            if _overlap(legend, box)]
