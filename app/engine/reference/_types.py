"""Shared type aliases for the reference engine."""

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
"""A float64 NumPy array; vectors use the (n, 1) column convention."""
