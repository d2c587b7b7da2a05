"""Pure-NumPy reference implementations of common building blocks: optimizers, regularizers, normalization.

Written out by hand, with column vectors of shape ``(n, 1)`` and Python floats for scalars, and tested against
finite differences: the figures draw optimizer runs with them, and the tests cross-check the engine's declared
recurrences and reverse-mode gradients against them.
"""

from app.engine.reference.normalization import (
    NormCache,
    batchnorm_backward,
    batchnorm_forward,
    layernorm_backward,
    layernorm_forward,
)
from app.engine.reference.optimizers import (
    OPTIMIZER_NAMES,
    OptimizerState,
    adagrad_step,
    adam_step,
    momentum_expected_theta,
    momentum_step,
    momentum_unrolled,
    momentum_velocity_covariance,
    nesterov_step,
    rmsprop_step,
    run_optimizer,
    sgd_step,
)
from app.engine.reference.regularizers import (
    l1,
    l1_grad,
    l2,
    l2_grad,
    l2_regularized_sgd_step,
    linf_norm,
    linf_norm_grad,
    linf_regularizer,
    linf_regularizer_grad,
)

__all__ = [
    "OPTIMIZER_NAMES",
    "NormCache",
    "OptimizerState",
    "adagrad_step",
    "adam_step",
    "batchnorm_backward",
    "batchnorm_forward",
    "l1",
    "l1_grad",
    "l2",
    "l2_grad",
    "l2_regularized_sgd_step",
    "layernorm_backward",
    "layernorm_forward",
    "linf_norm",
    "linf_norm_grad",
    "linf_regularizer",
    "linf_regularizer_grad",
    "momentum_expected_theta",
    "momentum_step",
    "momentum_unrolled",
    "momentum_velocity_covariance",
    "nesterov_step",
    "rmsprop_step",
    "run_optimizer",
    "sgd_step",
]
