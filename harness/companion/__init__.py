"""The study-notes companion: plots, graph drawings, training parity and the
live walkthrough of the lecture (issue 6).

`python -m harness plots` draws every figure into plots/;
`python -m harness notes` walks through the lecture, every claim computed live.
"""
