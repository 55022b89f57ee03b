"""The study-notes companion: plots, graph drawings, training parity and the
live walkthrough of the lecture.  The trainings come from harness.training,
the same trainers the benchmark times.

`mglab plots` draws every figure into plots/;
`mglab notes` walks through the lecture, every claim computed live.
"""
