"""Checks of the reader's machine: kinds (declarations), sources, probes, runner, output."""
