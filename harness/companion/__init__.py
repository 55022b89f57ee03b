"""The study-notes companion: plots, graph drawings, training parity and the
live walkthrough of the lecture.  The trainings come from harness.training,
the same trainers the benchmark times.

`python -m harness plots` draws every figure into plots/;
`python -m harness notes` walks through the lecture, every claim computed live.
"""
