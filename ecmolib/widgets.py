"""Labelled sliders and a small "explorer" that ties them to a figure.

A lesson's interactive figure is one *view* function ``view(fig, **values)``
that computes the model state for the slider values, draws into ``fig`` and
returns the key numbers it showed. :class:`Explorer` binds such a function
to sliders whose ranges are the model's valid input ranges, so no slider
position can produce invalid input. Tests drive the same view function at
every slider's extremes (see :meth:`Explorer.extreme_settings`).

ipywidgets is imported only when a slider is built, so importing this module
costs nothing outside Jupyter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import matplotlib.pyplot as plt

__all__ = ["SliderSpec", "Explorer", "slider"]


@dataclass(frozen=True)
class SliderSpec:
    """A slider's meaning and range.

    Parameters
    ----------
    label : str
        What the learner sees, e.g. ``"pump speed"``.
    units : str
        Units shown after the label, e.g. ``"rpm"``; ``""`` for none.
    low, high : float
        Ends of the slider; both must be valid model input.
    value : float
        Starting position (the lesson's default state).
    step : float
        Slider step.
    fmt : str
        Readout format, e.g. ``".0f"``.
    """

    label: str
    units: str
    low: float
    high: float
    value: float
    step: float
    fmt: str = ".2f"

    def __post_init__(self):
        if not (self.low < self.high and self.low <= self.value <= self.high and self.step > 0):
            raise ValueError(
                f"slider {self.label!r}: need low < high, low <= value <= high and step > 0; "
                f"got low={self.low}, high={self.high}, value={self.value}, step={self.step}"
            )


def slider(spec: SliderSpec, *, continuous_update: bool = True):
    """Build an ipywidgets ``FloatSlider`` from a :class:`SliderSpec`."""
    import ipywidgets

    units = f" [{spec.units}]" if spec.units else ""
    return ipywidgets.FloatSlider(
        value=spec.value, min=spec.low, max=spec.high, step=spec.step,
        description=f"{spec.label}{units}", readout_format=spec.fmt,
        continuous_update=continuous_update,
        style={"description_width": "160px"}, layout={"width": "480px"},
    )


@dataclass
class Explorer:
    """Sliders bound to a view function that redraws a figure.

    Parameters
    ----------
    view : callable
        ``view(fig, **values) -> dict`` draws the state for the slider
        values into the matplotlib figure ``fig`` and returns the numbers it
        showed (floats), which tests check for NaN.
    specs : dict of str to SliderSpec
        One entry per keyword argument of ``view``.
    figsize : tuple of float, optional
        Figure size [inch]; defaults to the lesson style's.
    continuous_update : bool
        False for views that integrate ODEs (update on release only).
    """

    view: Callable[..., dict]
    specs: dict[str, SliderSpec]
    figsize: tuple[float, float] | None = None
    continuous_update: bool = True
    sliders: dict = field(default_factory=dict, init=False, repr=False)

    def defaults(self) -> dict[str, float]:
        """Slider values of the lesson's default state."""
        return {k: s.value for k, s in self.specs.items()}

    def extreme_settings(self):
        """Yield every setting with one slider at one end and the rest at default."""
        for name, spec in self.specs.items():
            for end in (spec.low, spec.high):
                yield {**self.defaults(), name: end}

    def draw(self, **values) -> dict:
        """Draw one state into a new figure and show it (also what the widget calls)."""
        fig = plt.figure(figsize=self.figsize)
        numbers = self.view(fig, **{**self.defaults(), **values})
        plt.show()
        return numbers

    def widget(self):
        """The sliders and their live figure, ready to display."""
        import ipywidgets

        self.sliders = {k: slider(s, continuous_update=self.continuous_update) for k, s in self.specs.items()}
        out = ipywidgets.interactive_output(self.draw, self.sliders)
        return ipywidgets.VBox([*self.sliders.values(), out])
