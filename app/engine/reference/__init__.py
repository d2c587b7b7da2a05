"""Pure-NumPy reference implementations of the C147/C247 Winter 2023 midterm.

Everything is computed exactly as the exam writes it, with column vectors of
shape ``(n, 1)`` and Python floats for scalars.
"""

from app.engine.reference.network import (
    balanced_class_weights,
    batch_cost,
    relu,
    sigmoid,
    two_layer_network,
)
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
    "balanced_class_weights",
    "batch_cost",
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
    "relu",
    "rmsprop_step",
    "run_optimizer",
    "sgd_step",
    "sigmoid",
    "two_layer_network",
]
