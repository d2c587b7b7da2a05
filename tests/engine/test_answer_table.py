"""The answer table: what students type for the midterm's expression parts, and the verdict each one gets.

Every row is (part, answer, status, reason) at seed 0 (the exam as printed). Rows are grouped by part and, within
a part, by outcome: equivalent forms that must be accepted, common mistakes that must be rejected with the right
reason, and malformed input that must be refused as `invalid` (costing no attempt) with the right reason code.

Reasons: `correct`; for `incorrect`: `mistake` (an author-listed wrong answer), `sign`, `factor`, `transpose`
(square targets only), `partial` (right in some cases only), `shape` (the final shape differs), `wrong`; for
`invalid`: `syntax`, `unknown_name`, `shape` (operands that cannot be combined), `limit`, `evaluation`.
"""

from __future__ import annotations

import multiprocessing
import re

import numpy as np
import pytest

from app.engine.expression_check import ExpressionTask, _prepare, check_expression
from app.engine.variables import VariableSpec
from tests.engine.conftest import EXPRESSION_PARTS, Midterm, load_midterm

OK = ("correct", "correct")


def wrong(reason: str) -> tuple[str, str]:
    return ("incorrect", reason)


def bad(reason: str) -> tuple[str, str]:
    return ("invalid", reason)


# (part, label, answer, (status, reason))
TABLE: list[tuple[str, str, str, tuple[str, str]]] = [
    # -- 2b.iv  δ_ŷ = α y / ŷ − β (1 − y) / (1 − ŷ) ---------------------------------------------------------------
    ("delta_yhat", "textbook", "alpha y / yhat - beta (1 - y) / (1 - yhat)", OK),
    ("delta_yhat", "unicode-greek", "α y / ŷ - β (1 - y) / (1 - ŷ)", OK),
    ("delta_yhat", "explicit-stars", "alpha*y/yhat - beta*(1-y)/(1-yhat)", OK),
    ("delta_yhat", "sigma-of-z2", "alpha y / sigma(z2) - beta (1 - y) / (1 - sigma(z2))", OK),
    ("delta_yhat", "sigmoid-of-z2", "alpha y/sigmoid(z2) - beta (1-y)/(1-sigmoid(z2))", OK),
    ("delta_yhat", "forward-pass-inline", "alpha y / sigma(W2 a1 + b2) - beta (1 - y) / (1 - sigma(W2 @ a1 + b2))", OK),
    ("delta_yhat", "common-denominator", "(alpha y (1 - yhat) - beta (1 - y) yhat) / (yhat (1 - yhat))", OK),
    ("delta_yhat", "negative-powers", "alpha y yhat^-1 - beta (1-y) (1-yhat)^(-1)", OK),
    ("delta_yhat", "double-star-powers", "alpha y yhat**-1 - beta (1 - y) (1 - yhat)**-1", OK),
    ("delta_yhat", "flipped-denominator", "alpha y / yhat + beta (1 - y) / (yhat - 1)", OK),
    ("delta_yhat", "exp-form", "alpha y (1 + exp(-z2)) - beta (1 - y) (1 + exp(z2))", OK),
    ("delta_yhat", "unicode-minus-and-dot", "α·y/ŷ − β·(1 − y)/(1 − ŷ)", OK),
    ("delta_yhat", "unicode-times", "α×y/ŷ − β×(1 − y)/(1 − ŷ)", OK),
    ("delta_yhat", "curly-braces", "{alpha y}/{yhat} - {beta (1 - y)}/{1 - yhat}", OK),
    ("delta_yhat", "underscored-y_hat", "alpha y / y_hat - beta (1 - y) / (1 - y_hat)", OK),
    ("delta_yhat", "mistake-plus-sign", "alpha y / yhat + beta (1 - y) / (1 - yhat)", wrong("mistake")),
    ("delta_yhat", "mistake-gradient-of-minus-L", "-(alpha y / yhat - beta (1 - y) / (1 - yhat))", wrong("mistake")),
    ("delta_yhat", "mistake-minus-L-reordered", "beta (1 - y) / (1 - yhat) - alpha y / yhat", wrong("mistake")),
    ("delta_yhat", "partial-only-y1-term", "alpha y / yhat", wrong("partial")),
    ("delta_yhat", "partial-only-y0-term", "-beta (1-y)/(1-yhat)", wrong("partial")),
    ("delta_yhat", "factor-2", "2 (alpha y / yhat - beta (1 - y) / (1 - yhat))", wrong("factor")),
    ("delta_yhat", "wrong-no-labels", "alpha / yhat - beta / (1 - yhat)", wrong("wrong")),
    ("delta_yhat", "wrong-unweighted", "y / yhat - (1 - y) / (1 - yhat)", wrong("wrong")),
    ("delta_yhat", "wrong-the-loss-itself", "alpha y log(yhat) + beta (1-y) log(1-yhat)", wrong("wrong")),
    ("delta_yhat", "shape-vector", "W1 @ x", wrong("shape")),
    ("delta_yhat", "shape-masked", "alpha y / yhat - beta (1 - y) / (1 - yhat) (z1 > 0)", wrong("shape")),
    ("delta_yhat", "invalid-glued-names", "alphay / yhat", bad("unknown_name")),
    ("delta_yhat", "invalid-not-yet-defined", "delta_yhat", bad("unknown_name")),
    ("delta_yhat", "invalid-unknown-gamma", "alpha y / yhat - gamma", bad("unknown_name")),
    ("delta_yhat", "invalid-unclosed", "alpha y / yhat - beta (1 - y) / (1 - yhat", bad("syntax")),
    ("delta_yhat", "invalid-add-mismatch", "alpha y / yhat + W1 x + x", bad("shape")),
    ("delta_yhat", "invalid-divide-by-zero", "alpha y / (yhat - yhat)", bad("evaluation")),
    ("delta_yhat", "invalid-huge-exponent", "alpha^(10^4) y", bad("evaluation")),
    ("delta_yhat", "invalid-31-digit-literal", "yhat + 1234567890123456789012345678901", bad("limit")),
    # -- 2b.v  δ_b2 = δ_ŷ ŷ (1 − ŷ) --------------------------------------------------------------------------------
    ("delta_b2", "textbook", "delta_yhat yhat (1 - yhat)", OK),
    ("delta_b2", "greek-delta-ascii-hat", "δ_yhat ŷ (1 - ŷ)", OK),
    ("delta_b2", "greek-delta-unicode-hat", "δ_ŷ ŷ (1 − ŷ)", OK),
    ("delta_b2", "sigma-of-z2", "delta_yhat * sigma(z2) * (1 - sigma(z2))", OK),
    ("delta_b2", "sigmoid-of-z2", "delta_yhat sigmoid(z2) (1 - sigmoid(z2))", OK),
    ("delta_b2", "weights-form", "alpha y (1 - yhat) - beta (1 - y) yhat", OK),
    ("delta_b2", "fully-expanded", "alpha y - alpha y yhat - beta yhat + beta y yhat", OK),
    ("delta_b2", "chain-rule-inline", "(alpha y / yhat - beta (1 - y) / (1 - yhat)) yhat (1 - yhat)", OK),
    ("delta_b2", "yhat-minus-square", "delta_yhat (yhat - yhat^2)", OK),
    ("delta_b2", "python-power", "delta_yhat*yhat - delta_yhat*yhat**2", OK),
    ("delta_b2", "exp-derivative", "delta_yhat exp(-z2) / (1 + exp(-z2))^2", OK),
    ("delta_b2", "superscript-square", "delta_yhat exp(-z2) / (1 + exp(-z2))²", OK),
    ("delta_b2", "trace-of-a-scalar", "delta_yhat yhat (1 - yhat) trace(1) + 0 trace(x.T x)", OK),
    ("delta_b2", "underscores-everywhere", "delta_y_hat y_hat (1 - y_hat)", OK),
    ("delta_b2", "underscores-dropped", "deltayhat yhat (1-yhat)", OK),
    ("delta_b2", "mistake-stopped-at-yhat", "delta_yhat", wrong("mistake")),
    ("delta_b2", "mistake-missing-factor", "delta_yhat yhat", wrong("mistake")),
    ("delta_b2", "sign", "-delta_yhat yhat (1 - yhat)", wrong("sign")),
    ("delta_b2", "factor-2", "2 delta_yhat yhat (1 - yhat)", wrong("factor")),
    ("delta_b2", "partial-only-y1", "alpha y (1 - yhat)", wrong("partial")),
    ("delta_b2", "partial-only-y0", "-beta (1 - y) yhat", wrong("partial")),
    ("delta_b2", "wrong-missing-yhat", "delta_yhat (1 - yhat)", wrong("wrong")),
    ("delta_b2", "wrong-unweighted-bce", "y - yhat", wrong("wrong")),
    ("delta_b2", "wrong-double-minus", "delta_yhat yhat (1 -- yhat)", wrong("wrong")),
    ("delta_b2", "shape-times-a1", "delta_yhat yhat (1 - yhat) a1", wrong("shape")),
    ("delta_b2", "invalid-unclosed", "delta_yhat yhat (1 - yhat", bad("syntax")),
    ("delta_b2", "invalid-unmatched-close", "delta_yhat yhat (1 - yhat))", bad("syntax")),
    ("delta_b2", "invalid-missing-operand", "delta_yhat yhat (1 - )", bad("syntax")),
    ("delta_b2", "invalid-function-without-parens", "sigma z2", bad("syntax")),
    ("delta_b2", "invalid-index-non-family", "yhat[1]", bad("syntax")),
    ("delta_b2", "invalid-split-name", "delta yhat", bad("unknown_name")),
    ("delta_b2", "invalid-subscript-digit", "delta_yhat yhat (1 - yhat) ₀", bad("syntax")),
    ("delta_b2", "invalid-arabic-indic-digit", "٣ delta_yhat yhat (1 - yhat)", bad("syntax")),
    # -- 2b.vi  δ_W2 = δ_b2 a1ᵀ ------------------------------------------------------------------------------------
    ("delta_W2", "textbook-juxtaposition", "delta_b2 a1.T", OK),
    ("delta_W2", "numpy-matmul", "delta_b2 @ a1.T", OK),
    ("delta_W2", "scalar-star", "delta_b2 * a1.T", OK),
    ("delta_W2", "caret-T", "delta_b2 a1^T", OK),
    ("delta_W2", "prime", "delta_b2 a1'", OK),
    ("delta_W2", "caret-brace-T", "delta_b2 a1^{T}", OK),
    ("delta_W2", "caret-paren-T", "delta_b2 a1^(T)", OK),
    ("delta_W2", "space-before-dot-T", "delta_b2 a1 .T", OK),
    ("delta_W2", "transpose-of-product", "(a1 delta_b2).T", OK),
    ("delta_W2", "scalar-on-the-right", "a1.T delta_b2", OK),
    ("delta_W2", "greek-and-underscores", "δ_b2 a_1^T", OK),
    ("delta_W2", "chain-inline", "delta_yhat yhat (1 - yhat) a1.T", OK),
    ("delta_W2", "relu-of-z1", "delta_b2 relu(z1).T", OK),
    ("delta_W2", "max-of-z1", "delta_b2 max(z1, 0).T", OK),
    ("delta_W2", "masked-z1", "delta_b2 (z1 * (z1 > 0)).T", OK),
    ("delta_W2", "superscript-T", "delta_b2 a1ᵀ", OK),
    ("delta_W2", "superscript-T-after-bracket", "delta_b2 (a1)ᵀ", OK),
    ("delta_W2", "mistake-z1-not-a1", "delta_b2 z1.T", wrong("mistake")),
    ("delta_W2", "sign", "-delta_b2 a1.T", wrong("sign")),
    ("delta_W2", "factor-3", "3 delta_b2 a1.T", wrong("factor")),
    ("delta_W2", "shape-forgot-transpose", "delta_b2 a1", wrong("shape")),
    ("delta_W2", "shape-matmul-column", "delta_b2 @ a1", wrong("shape")),
    ("delta_W2", "shape-input-not-activation", "delta_b2 x.T", wrong("shape")),
    ("delta_W2", "invalid-inner-dims", "a1.T @ delta_b2 @ W2", bad("shape")),
    ("delta_W2", "invalid-column-times-column", "a1 @ a1", bad("shape")),
    ("delta_W2", "invalid-add-row-and-column", "delta_b2 a1.T + x", bad("shape")),
    ("delta_W2", "invalid-lowercase-dot-t", "delta_b2 a1.t", bad("syntax")),
    ("delta_W2", "invalid-unicode-prime", "delta_b2 a1’", bad("syntax")),
    # -- 2b.vii  δ_b1 = (W2ᵀ δ_b2) ⊙ 1[z1 > 0] --------------------------------------------------------------------
    ("delta_b1", "textbook-star-mask", "(W2.T delta_b2) * (z1 > 0)", OK),
    ("delta_b1", "no-brackets", "W2.T delta_b2 * (z1 > 0)", OK),
    ("delta_b1", "odot-function", "odot(W2.T delta_b2, z1 > 0)", OK),
    ("delta_b1", "odot-symbol-caret-T", "(W2^T δ_b2) ⊙ (z1 > 0)", OK),
    ("delta_b1", "prime-and-underscores", "(W2' delta_b2) ⊙ (z_1 > 0)", OK),
    ("delta_b1", "ring-operator-matmul", "(W2.T @ delta_b2) ∘ (z1 > 0)", OK),
    ("delta_b1", "scalar-first", "delta_b2 W2.T * (z1 > 0)", OK),
    ("delta_b1", "heaviside", "delta_b2 * W2.T * heaviside(z1)", OK),
    ("delta_b1", "mask-first", "(z1 > 0) * W2.T delta_b2", OK),
    ("delta_b1", "mask-first-odot", "(z1 > 0) ⊙ (W2.T delta_b2)", OK),
    ("delta_b1", "reversed-comparison", "(W2.T delta_b2) * (0 < z1)", OK),
    ("delta_b1", "mask-from-a1", "(W2.T delta_b2) * (a1 > 0)", OK),
    ("delta_b1", "greater-or-equal", "(W2.T delta_b2) * (z1 >= 0)", OK),
    ("delta_b1", "diag-of-mask", "diag(z1 > 0) W2.T delta_b2", OK),
    ("delta_b1", "mask-inside-transpose", "(W2 * (z1 > 0).T).T delta_b2", OK),
    ("delta_b1", "diag-of-gradient", "diag(W2.T delta_b2) (z1 > 0)", OK),
    ("delta_b1", "fully-inline", "(alpha y (1 - yhat) - beta (1 - y) yhat) (W2.T ⊙ (z1 > 0))", OK),
    ("delta_b1", "mistake-no-mask", "W2.T delta_b2", wrong("mistake")),
    ("delta_b1", "mistake-a1-greater-1", "(W2.T delta_b2) * (a1 > 1)", wrong("mistake")),
    ("delta_b1", "sign", "-(W2.T delta_b2) * (z1 > 0)", wrong("sign")),
    ("delta_b1", "factor-half", "0.5 (W2.T delta_b2) * (z1 > 0)", wrong("factor")),
    ("delta_b1", "wrong-inverted-mask", "(W2.T delta_b2) * (z1 < 0)", wrong("wrong")),
    ("delta_b1", "wrong-times-z1", "(W2.T delta_b2) * z1", wrong("wrong")),
    ("delta_b1", "shape-no-transpose-broadcasts", "(W2 delta_b2) * (z1 > 0)", wrong("shape")),
    ("delta_b1", "shape-transposed-mask-broadcasts", "(W2.T delta_b2) * (z1 > 0).T", wrong("shape")),
    ("delta_b1", "shape-outer-product", "W2.T @ W2", wrong("shape")),
    ("delta_b1", "invalid-inner-dims", "W2.T @ x", bad("shape")),
    ("delta_b1", "invalid-matmul-with-mask", "(W2.T delta_b2) @ (z1 > 0)", bad("shape")),
    ("delta_b1", "invalid-elementwise-mismatch", "(W2.T delta_b2) ⊙ x", bad("shape")),
    ("delta_b1", "invalid-chained-comparison", "(W2.T delta_b2) * (z1 > 0 > 1)", bad("syntax")),
    ("delta_b1", "invalid-odot-one-argument", "odot(W2.T delta_b2)", bad("syntax")),
    # -- 2b.viii  δ_W1 = δ_b1 xᵀ -----------------------------------------------------------------------------------
    ("delta_W1", "numpy-matmul", "delta_b1 @ x.T", OK),
    ("delta_W1", "textbook-juxtaposition", "delta_b1 x.T", OK),
    ("delta_W1", "prime", "delta_b1 x'", OK),
    ("delta_W1", "greek-caret-T", "δ_b1 x^T", OK),
    ("delta_W1", "star-broadcasts-outer", "delta_b1 * x.T", OK),
    ("delta_W1", "odot-broadcasts-outer", "delta_b1 ⊙ x.T", OK),
    ("delta_W1", "transpose-of-outer", "(x delta_b1.T).T", OK),
    ("delta_W1", "inline-delta_b1", "((W2.T delta_b2) * (z1 > 0)) x.T", OK),
    ("delta_W1", "inline-odot", "odot(W2.T delta_b2, z1 > 0) @ x.T", OK),
    ("delta_W1", "mask-on-W2", "((z1 > 0) ⊙ W2.T) delta_b2 x.T", OK),
    ("delta_W1", "diag-mask", "diag(z1 > 0) W2.T delta_b2 x.T", OK),
    ("delta_W1", "regrouped", "(W2.T * (z1 > 0)) @ (delta_b2 * x.T)", OK),
    ("delta_W1", "plus-zero-term", "delta_b1 x.T + 0 W1", OK),
    ("delta_W1", "underscored-brace-T", "delta_b_1 x^{T}", OK),
    ("delta_W1", "newline-inside", "delta_b1\n@ x.T", OK),
    ("delta_W1", "mistake-no-mask", "W2.T delta_b2 x.T", wrong("mistake")),
    ("delta_W1", "sign", "-delta_b1 x.T", wrong("sign")),
    ("delta_W1", "factor-2", "2 delta_b1 x.T", wrong("factor")),
    ("delta_W1", "factor-half", "delta_b1 x.T / 2", wrong("factor")),
    ("delta_W1", "wrong-update-not-gradient", "W1 - delta_b1 x.T", wrong("wrong")),
    ("delta_W1", "wrong-mask-alone", "(z1 > 0) x.T", wrong("wrong")),
    ("delta_W1", "wrong-zero", "0 W1", wrong("wrong")),
    ("delta_W1", "shape-transposed-outer", "x delta_b1.T", wrong("shape")),
    ("delta_W1", "shape-a1-not-x", "delta_b1 a1.T", wrong("shape")),
    ("delta_W1", "shape-extra-factor", "delta_b1 @ x.T @ x", wrong("shape")),
    ("delta_W1", "invalid-inner-product-order", "x.T delta_b1", bad("shape")),
    ("delta_W1", "invalid-column-times-column", "delta_b1 @ x", bad("shape")),
    ("delta_W1", "invalid-juxtaposed-columns", "delta_b1 x", bad("shape")),
    ("delta_W1", "invalid-layer-2-gradient", "delta_W2 x.T", bad("shape")),
    ("delta_W1", "invalid-cyrillic-x", "delta_b1 @ х.T", bad("syntax")),
    ("delta_W1", "invalid-comment", "delta_b1 @ x.T # outer product", bad("syntax")),
    # -- 2c  W2 ← W2 − ε (∂J/∂W2 + 2 W2) -------------------------------------------------------------------------
    ("l2_update", "textbook", "W2 - epsilon (dJ_dW2 + 2 W2)", OK),
    ("l2_update", "weight-decay-form", "(1 - 2 epsilon) W2 - epsilon dJ_dW2", OK),
    ("l2_update", "unicode-epsilon-2eps", "(1 - 2ε) W2 − ε dJ_dW2", OK),
    ("l2_update", "explicit-stars", "W2 - ε*dJ_dW2 - 2*ε*W2", OK),
    ("l2_update", "alias-eps-and-2W2", "W2 - eps (dJ_dW2 + 2W2)", OK),
    ("l2_update", "underscored-W_2", "W_2 - epsilon * (dJ_dW2 + 2 * W_2)", OK),
    ("l2_update", "distributed", "W2 - epsilon dJ_dW2 - 2 epsilon W2", OK),
    ("l2_update", "factor-on-the-right", "W2 (1 - 2 epsilon) - epsilon dJ_dW2", OK),
    ("l2_update", "W2-twice", "W2 - epsilon (dJ_dW2 + W2 + W2)", OK),
    ("l2_update", "squashed-dJdW2", "W2 - epsilon dJdW2 - 2 epsilon W2", OK),
    ("l2_update", "factored-2-epsilon", "W2 - 2 epsilon (dJ_dW2/2 + W2)", OK),
    ("l2_update", "power-one", "W2 - epsilon (dJ_dW2 + 2 W2^1)", OK),
    ("l2_update", "mistake-no-regularizer", "W2 - epsilon dJ_dW2", wrong("mistake")),
    ("l2_update", "mistake-gradient-W2", "W2 - epsilon (dJ_dW2 + W2)", wrong("mistake")),
    ("l2_update", "mistake-ascent", "W2 + epsilon (dJ_dW2 + 2 W2)", wrong("mistake")),
    ("l2_update", "sign", "-W2 + epsilon (dJ_dW2 + 2 W2)", wrong("sign")),
    ("l2_update", "factor-2", "2 (W2 - epsilon (dJ_dW2 + 2 W2))", wrong("factor")),
    ("l2_update", "wrong-regularizer-sign", "W2 - epsilon (dJ_dW2 - 2 W2)", wrong("wrong")),
    ("l2_update", "wrong-elementwise-square", "W2 - epsilon (dJ_dW2 + 2 W2^2)", wrong("wrong")),
    ("l2_update", "wrong-squared-norm-scalar", "W2 - epsilon (dJ_dW2 + 2 W2 @ W2.T)", wrong("wrong")),
    ("l2_update", "shape-transposed", "W2.T - epsilon (dJ_dW2 + 2 W2).T", wrong("shape")),
    ("l2_update", "invalid-add-row-and-column", "W2 - epsilon (dJ_dW2 + 2 W2.T)", bad("shape")),
    ("l2_update", "invalid-lambda-not-here", "W2 - lambda (dJ_dW2 + 2 W2)", bad("unknown_name")),
    ("l2_update", "invalid-fraction-notation", "W2 - epsilon (dJ/dW2 + 2 W2)", bad("unknown_name")),
    ("l2_update", "invalid-trailing-operator", "W2 - epsilon (dJ_dW2 + 2 W2) -", bad("syntax")),
    ("l2_update", "invalid-trailing-comma", "W2 - epsilon (dJ_dW2 + 2 W2) ,", bad("syntax")),
    ("l2_update", "invalid-index-scalar", "W2 - epsilon[1] (dJ_dW2 + 2 W2)", bad("syntax")),
    # -- 4c.i  θ_t = θ0 − ε Σ_k (1 − α^(t−k+1)) / (1 − α) g_k -------------------------------------------------------
    ("theta_t", "textbook-sum", "theta0 - epsilon sum((1 - alpha^(t - k + 1)) / (1 - alpha) g[k], k, 1, t)", OK),
    ("theta_t", "greek-and-g_k", "θ0 - ε sum((1 - α^(t - k + 1)) / (1 - α) g_k, k, 1, t)", OK),
    ("theta_t", "constant-outside", "theta_0 - epsilon / (1 - alpha) sum((1 - alpha^(t - k + 1)) g[k], k, 1, t)", OK),
    ("theta_t", "double-sum-velocities", "theta0 - epsilon sum(sum(alpha^(j - k) g[k], k, 1, j), j, 1, t)", OK),
    ("theta_t", "double-sum-sum-of-v", "theta0 + sum(-epsilon sum(alpha^(j - k) g[k], k, 1, j), j, 1, t)", OK),
    ("theta_t", "double-sum-swapped", "theta0 - epsilon sum(sum(alpha^(j - k), j, k, t) g[k], k, 1, t)", OK),
    ("theta_t", "double-sum-geometric", "theta0 - epsilon sum(sum(alpha^p, p, 0, t - k) g[k], k, 1, t)", OK),
    ("theta_t", "double-sum-reindexed", "theta0 - epsilon sum(sum(alpha^(i - 1) g[j - i + 1], i, 1, j), j, 1, t)", OK),
    ("theta_t", "g-first", "theta0 - epsilon sum(g[k] (1 - alpha^(t - k + 1)) / (1 - alpha), k, 1, t)", OK),
    ("theta_t", "divide-after-sum", "theta0 - epsilon sum((1 - alpha^(t + 1 - k)) g_k, k, 1, t) / (1 - alpha)", OK),
    (
        "theta_t",
        "two-sums",
        "theta0 - epsilon sum(g[k], k, 1, t) / (1 - alpha)"
        " + epsilon sum(alpha^(t - k + 1) g[k], k, 1, t) / (1 - alpha)",
        OK,
    ),
    (
        "theta_t",
        "last-term-apart",
        "theta0 - epsilon sum((1 - alpha^(t - k + 1)) / (1 - alpha) g[k], k, 1, t - 1) - epsilon g[t]",
        OK,
    ),
    ("theta_t", "mistake-theta0-plus-v_t", "theta0 - epsilon sum(alpha^(t - k) g[k], k, 1, t)", wrong("mistake")),
    ("theta_t", "mistake-close", "theta0 - epsilon sum(alpha^(t - k) g[k], k, 1, t) / (1 - alpha)", wrong("mistake")),
    ("theta_t", "partial-plain-gd", "theta0 - epsilon sum(g[k], k, 1, t)", wrong("partial")),
    ("theta_t", "partial-first-gradient-only", "theta0 - epsilon g[1]", wrong("partial")),
    (
        "theta_t",
        "wrong-ascent",
        "theta0 + epsilon sum((1 - alpha^(t - k + 1)) / (1 - alpha) g[k], k, 1, t)",
        wrong("wrong"),
    ),
    (
        "theta_t",
        "wrong-exponent-off-by-one",
        "theta0 - epsilon sum((1 - alpha^(t - k)) / (1 - alpha) g[k], k, 1, t)",
        wrong("wrong"),
    ),
    (
        "theta_t",
        "wrong-sum-from-0",
        "theta0 - epsilon sum((1 - alpha^(t - k + 1)) / (1 - alpha) g[k], k, 0, t)",
        wrong("wrong"),
    ),
    (
        "theta_t",
        "wrong-sum-to-t-1",
        "theta0 - epsilon sum((1 - alpha^(t - k + 1)) / (1 - alpha) g[k], k, 1, t - 1)",
        wrong("wrong"),
    ),
    ("theta_t", "wrong-only-theta0", "theta0", wrong("wrong")),
    (
        "theta_t",
        "invalid-transposed-sum",
        "theta0 - epsilon sum((1 - alpha^(t - k + 1)) / (1 - alpha) g[k], k, 1, t).T",
        bad("shape"),
    ),
    ("theta_t", "invalid-whole-family", "theta0 - epsilon g", bad("syntax")),
    ("theta_t", "invalid-index-not-a-name", "theta0 - epsilon sum(g[k], 1, 1, t)", bad("syntax")),
    ("theta_t", "invalid-three-argument-sum", "theta0 - epsilon sum(g[k], k, 1)", bad("syntax")),
    ("theta_t", "invalid-unbound-index", "theta0 - epsilon sum(g[j], k, 1, t)", bad("unknown_name")),
    (
        "theta_t",
        "invalid-index-out-of-scope",
        "theta0 - epsilon sum(sum(alpha^(j - k) g[k], k, 1, j), k, 1, t)",
        bad("unknown_name"),
    ),
    ("theta_t", "invalid-vector-bound", "theta0 - epsilon sum(g[k], k, 1, theta0)", bad("shape")),
    ("theta_t", "invalid-vector-index", "theta0 - epsilon g[theta0]", bad("shape")),
    ("theta_t", "invalid-fractional-bound", "theta0 - epsilon sum(g[k], k, 1, t/2)", bad("evaluation")),
    ("theta_t", "invalid-fractional-index", "theta0 - epsilon g[0.5]", bad("evaluation")),
    ("theta_t", "invalid-index-too-large", "theta0 - epsilon g[1001]", bad("evaluation")),
    ("theta_t", "invalid-sum-too-long", "theta0 - epsilon sum(g[k], k, 1, 2000)", bad("evaluation")),
    ("theta_t", "invalid-subscript-zero", "θ₀ - ε sum(g[k], k, 1, t)", bad("syntax")),
    # -- 4c.ii  E(θ_t) = −ε μ / (1 − α) (t − α (1 − α^t) / (1 − α)) -------------------------------------------------
    ("expected_theta_t", "textbook", "-epsilon mu / (1 - alpha) (t - alpha (1 - alpha^t) / (1 - alpha))", OK),
    ("expected_theta_t", "unicode-greek", "-ε μ / (1 - α) (t - α (1 - α^t) / (1 - α))", OK),
    ("expected_theta_t", "sum-times-mu", "-epsilon sum((1 - alpha^(t - k + 1)) / (1 - alpha), k, 1, t) mu", OK),
    ("expected_theta_t", "mu-inside-sum", "-epsilon sum((1 - alpha^(t - k + 1)) / (1 - alpha) mu, k, 1, t)", OK),
    ("expected_theta_t", "double-sum", "-epsilon sum(sum(alpha^(j - k), k, 1, j), j, 1, t) mu", OK),
    ("expected_theta_t", "sum-of-expected-velocities", "-epsilon mu sum((1 - alpha^j) / (1 - alpha), j, 1, t)", OK),
    ("expected_theta_t", "one-fraction", "-epsilon mu (t (1 - alpha) - alpha (1 - alpha^t)) / (1 - alpha)^2", OK),
    ("expected_theta_t", "expanded-numerator", "-epsilon mu (t - t alpha - alpha + alpha^(t + 1)) / (1 - alpha)^2", OK),
    ("expected_theta_t", "sign-inside", "epsilon mu (alpha (1 - alpha^t) / (1 - alpha) - t) / (1 - alpha)", OK),
    ("expected_theta_t", "python-syntax", "-epsilon * mu * (t/(1-alpha) - alpha*(1-alpha**t)/(1-alpha)**2)", OK),
    ("expected_theta_t", "geometric-sum-left", "-epsilon mu / (1 - alpha) (t - sum(alpha^k, k, 1, t))", OK),
    ("expected_theta_t", "mu-last", "- epsilon / (1 - alpha) * (t - alpha (1 - alpha^t)/(1 - alpha)) * mu", OK),
    ("expected_theta_t", "mistake-expected-velocity", "-epsilon mu (1 - alpha^t) / (1 - alpha)", wrong("mistake")),
    ("expected_theta_t", "mistake-steady-state", "-epsilon t mu / (1 - alpha)", wrong("mistake")),
    ("expected_theta_t", "sign", "epsilon mu / (1 - alpha) (t - alpha (1 - alpha^t) / (1 - alpha))", wrong("sign")),
    (
        "expected_theta_t",
        "wrong-missing-alpha",
        "-epsilon mu / (1 - alpha) (t - (1 - alpha^t) / (1 - alpha))",
        wrong("wrong"),
    ),
    ("expected_theta_t", "partial-plain-gd", "-epsilon t mu", wrong("partial")),  # right only when t = 1
    (
        "expected_theta_t",
        "shape-outer-product",
        "-epsilon mu / (1 - alpha) (t - alpha (1 - alpha^t) / (1 - alpha)) mu.T",
        wrong("shape"),
    ),
    (
        "expected_theta_t",
        "shape-row",
        "-epsilon mu.T / (1 - alpha) (t - alpha (1 - alpha^t) / (1 - alpha))",
        wrong("shape"),
    ),
    ("expected_theta_t", "invalid-theta0-not-allowed", "-epsilon mu t + theta0", bad("unknown_name")),
    ("expected_theta_t", "invalid-g-not-allowed", "-epsilon sum(g[k], k, 1, t)", bad("unknown_name")),
    ("expected_theta_t", "invalid-column-times-column", "-epsilon mu / (1 - alpha) (t - alpha) mu", bad("shape")),
    (
        "expected_theta_t",
        "invalid-alpha-is-one",
        "-epsilon mu / (1 - 1) (t - alpha (1 - alpha^t) / (1 - alpha))",
        bad("evaluation"),
    ),
    ("expected_theta_t", "invalid-zero-times-log0", "-epsilon mu t + 0 log(0)", bad("evaluation")),
    # -- 5  E(v_t v_tᵀ) = ε² σ² (1 − α^(2t)) / (1 − α²) I -------------------------------------------------------------
    ("velocity_covariance", "textbook", "epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) I", OK),
    ("velocity_covariance", "unicode-greek", "ε^2 σ^2 (1 - α^(2t)) / (1 - α^2) I", OK),
    ("velocity_covariance", "python-syntax", "epsilon**2 * sigma**2 * (1 - alpha**(2*t)) / (1 - alpha**2) * I", OK),
    ("velocity_covariance", "sum-form", "epsilon^2 sigma^2 sum(alpha^(2 (t - k)), k, 1, t) I", OK),
    ("velocity_covariance", "sum-of-matrices", "epsilon^2 sum(alpha^(2 (t - k)) sigma^2 I, k, 1, t)", OK),
    ("velocity_covariance", "sum-from-0", "epsilon^2 sigma^2 sum(alpha^(2 j), j, 0, t - 1) I", OK),
    ("velocity_covariance", "squared-product", "(epsilon sigma)^2 (1 - (alpha^2)^t) / (1 - alpha^2) I", OK),
    (
        "velocity_covariance",
        "factored-denominator",
        "epsilon^2 sigma^2 (1 - alpha^(2 t)) / ((1 - alpha) (1 + alpha)) I",
        OK,
    ),
    (
        "velocity_covariance",
        "double-sum-with-kronecker",
        "sum(sum(epsilon^2 alpha^(t - i) alpha^(t - j) sigma^2 (i > j - 1) (i < j + 1) I, i, 1, t), j, 1, t)",
        OK,
    ),
    ("velocity_covariance", "identity-first", "I epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2)", OK),
    ("velocity_covariance", "identity-times-identity", "epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) I @ I", OK),
    ("velocity_covariance", "symmetric-transpose", "(epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) I).T", OK),
    ("velocity_covariance", "sigma-is-a-variable", "epsilon^2 sigma(sigma) (1 - alpha^(2 t)) / (1 - alpha^2) I", OK),
    ("velocity_covariance", "superscript-squares", "epsilon² σ² (1 - α^(2t)) / (1 - α²) I", OK),
    (
        "velocity_covariance",
        "sigmoid-still-a-function",
        "sigmoid(0) 2 epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) I",
        OK,
    ),
    ("velocity_covariance", "mistake-t-to-infinity", "epsilon^2 sigma^2 / (1 - alpha^2) I", wrong("mistake")),
    ("velocity_covariance", "mistake-ratio-alpha", "epsilon^2 sigma^2 (1 - alpha^t) / (1 - alpha) I", wrong("mistake")),
    ("velocity_covariance", "sign", "-epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) I", wrong("sign")),
    (
        "velocity_covariance",
        "factor-half",
        "epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) I / 2",
        wrong("factor"),
    ),
    ("velocity_covariance", "partial-no-decay", "epsilon^2 sigma^2 t I", wrong("partial")),
    (
        "velocity_covariance",
        "partial-right-assoc-power",
        "epsilon^2 sigma^2 (1 - alpha^2^t) / (1 - alpha^2) I",
        wrong("partial"),
    ),
    (
        "velocity_covariance",
        "wrong-epsilon-not-squared",
        "epsilon sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) I",
        wrong("wrong"),
    ),
    (
        "velocity_covariance",
        "wrong-sigma-not-squared",
        "epsilon^2 sigma (1 - alpha^(2 t)) / (1 - alpha^2) I",
        wrong("wrong"),
    ),
    (
        "velocity_covariance",
        "wrong-plus-one-everywhere",
        "epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) (I + 1)",
        wrong("wrong"),
    ),
    (
        "velocity_covariance",
        "shape-forgot-identity",
        "epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2)",
        wrong("shape"),
    ),
    ("velocity_covariance", "shape-sigma-call-is-product", "sigma(epsilon)", wrong("shape")),
    (
        "velocity_covariance",
        "invalid-dimension-name",
        "epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) trace(I) I / D",
        bad("unknown_name"),
    ),
    (
        "velocity_covariance",
        "invalid-numpy-eye",
        "epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) eye",
        bad("unknown_name"),
    ),
    ("velocity_covariance", "invalid-indexed-identity", "epsilon^2 sigma^2 I[1]", bad("syntax")),
    ("velocity_covariance", "invalid-too-deep", "(" * 41 + "I" + ")" * 41, bad("limit")),
    ("velocity_covariance", "invalid-too-long", "epsilon^2 sigma^2 I" + " + 0 I" * 400, bad("limit")),
]


def _id(part_id: str, label: str, expected: tuple[str, str]) -> str:
    status, reason = expected
    outcome = "correct" if status == "correct" else f"{status}-{reason}"
    return f"{EXPRESSION_PARTS[part_id][1]}:{part_id}:{outcome}:{label}"


@pytest.mark.parametrize(
    ("part_id", "answer", "expected"),
    [pytest.param(part, answer, expected, id=_id(part, label, expected)) for part, label, answer, expected in TABLE],
)
def test_answer_table(midterm: Midterm, part_id: str, answer: str, expected: tuple[str, str]) -> None:
    verdict = midterm.check(part_id, answer)
    assert (verdict.status, verdict.reason) == expected, verdict.feedback
    assert verdict.feedback
    if verdict.status == "correct":
        assert verdict.score == 1.0
        assert verdict.latex  # "interpreted as …" is shown for every accepted answer
    else:
        assert verdict.score == 0.0
    if verdict.status == "invalid":
        assert verdict.latex is None


def test_table_covers_every_part_with_every_outcome() -> None:
    assert len(TABLE) >= 150
    assert len({(part, answer) for part, _, answer, _ in TABLE}) == len(TABLE), "duplicate rows"
    assert len({(part, label) for part, label, _, _ in TABLE}) == len(TABLE), "duplicate labels"
    for part_id in EXPRESSION_PARTS:
        statuses = {expected[0] for part, _, _, expected in TABLE if part == part_id}
        assert statuses == {"correct", "incorrect", "invalid"}, part_id
        assert sum(1 for part, _, _, expected in TABLE if part == part_id and expected == OK) >= 10, part_id
    reasons = {expected for _, _, _, expected in TABLE}
    for reason in ("mistake", "sign", "factor", "partial", "shape", "wrong"):
        assert wrong(reason) in reasons
    for reason in ("syntax", "unknown_name", "shape", "limit", "evaluation"):
        assert bad(reason) in reasons


@pytest.mark.parametrize("part_id", list(EXPRESSION_PARTS))
def test_the_model_answer_is_correct(midterm: Midterm, part_id: str) -> None:
    part = midterm.part(part_id)
    verdict = midterm.check(part_id, part.answer)
    assert (verdict.status, verdict.reason, verdict.score) == ("correct", "correct", 1.0)
    assert verdict.latex


@pytest.mark.parametrize("part_id", list(EXPRESSION_PARTS))
def test_each_listed_mistake_gets_its_own_message(midterm: Midterm, part_id: str) -> None:
    part = midterm.part(part_id)
    for mistake in part.mistakes:
        verdict = midterm.check(part_id, mistake.answer)
        assert (verdict.status, verdict.reason, verdict.feedback) == ("incorrect", "mistake", mistake.message)


# -- feedback text that matters ----------------------------------------------------------------------------------


def test_final_shape_mismatch_names_both_shapes(midterm: Midterm) -> None:
    verdict = midterm.check("delta_W1", "delta_b1 a1.T")
    assert (verdict.status, verdict.reason) == ("incorrect", "shape")
    assert verdict.feedback == (
        "Your answer is $D_{a_{1}} \\times D_{a_{1}}$ but $\\delta_{W_{1}}$ is $D_{a_{1}} \\times D_{x}$."
    )


def test_reversed_shape_also_hints_at_the_factor_order(midterm: Midterm) -> None:
    verdict = midterm.check("delta_W1", "x delta_b1.T")
    assert (verdict.status, verdict.reason) == ("incorrect", "shape")
    assert verdict.feedback == (
        "Your answer is $D_{x} \\times D_{a_{1}}$ but $\\delta_{W_{1}}$ is $D_{a_{1}} \\times D_{x}$. "
        "Check the order of the factors and the transposes."
    )


def test_scalar_shape_is_named_a_scalar(midterm: Midterm) -> None:
    verdict = midterm.check("velocity_covariance", "epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2)")
    assert verdict.feedback == "Your answer is a scalar but $E(v_{t} v_{t}^{\\top})$ is $D \\times D$."


def test_inner_dimension_mismatch_is_invalid_with_a_caret(midterm: Midterm) -> None:
    verdict = midterm.check("delta_W1", "delta_b1 @ x")
    assert (verdict.status, verdict.reason, verdict.position) == ("invalid", "shape", 0)
    assert verdict.feedback == (
        "Cannot matrix-multiply `delta_b1` ($D_{a_{1}} \\times 1$) by `x` ($D_{x} \\times 1$): the inner dimensions "
        "$1$ and $D_{x}$ differ.\n"
        "delta_b1 @ x\n"
        "^"
    )


def test_unknown_glued_name_suggests_the_split(midterm: Midterm) -> None:
    verdict = midterm.check("delta_yhat", "alphay / yhat")
    assert (verdict.status, verdict.reason, verdict.position) == ("invalid", "unknown_name", 0)
    first_line = verdict.feedback.splitlines()[0]
    assert first_line == (
        "Unknown name `alphay`. Did you mean `alpha y`? "
        "Names you can use here: a1, alpha, b1, b2, beta, W1, W2, x, y, yhat, z1, z2."
    )


def test_unknown_name_without_a_split_lists_the_names(midterm: Midterm) -> None:
    verdict = midterm.check("l2_update", "W2 - epsilon (grad + 2 W2)")
    assert verdict.reason == "unknown_name"
    assert verdict.position == 14
    assert verdict.feedback.splitlines()[0] == "Unknown name `grad`. Names you can use here: dJ_dW2, epsilon, W2."
    assert "Did you mean" not in verdict.feedback


def test_syntax_error_points_a_caret_at_the_opening_bracket(midterm: Midterm) -> None:
    answer = "alpha y / yhat - beta (1 - y) / (1 - yhat"
    verdict = midterm.check("delta_yhat", answer)
    assert (verdict.status, verdict.reason, verdict.position) == ("invalid", "syntax", 32)
    assert verdict.feedback == f"The bracket `(` opened here is never closed.\n{answer}\n{' ' * 32}^"
    assert answer[verdict.position] == "("


def test_syntax_error_caret_under_a_dangling_operator(midterm: Midterm) -> None:
    verdict = midterm.check("delta_b2", "delta_yhat yhat (1 - )")
    assert verdict.position == 19
    assert verdict.feedback.splitlines() == ["`-` needs something after it.", "delta_yhat yhat (1 - )", " " * 19 + "^"]


def test_partial_names_the_failing_case(midterm: Midterm) -> None:
    only_positive = midterm.check("delta_yhat", "alpha y / yhat")
    only_negative = midterm.check("delta_yhat", "-beta (1-y)/(1-yhat)")
    assert only_positive.feedback == "Your answer is right in some cases but not when $y = 0$."
    assert only_negative.feedback == "Your answer is right in some cases but not when $y = 1$."


def test_partial_without_a_separating_case_says_some_inputs(midterm: Midterm) -> None:
    verdict = midterm.check("theta_t", "theta0 - epsilon sum(g[k], k, 1, t)")
    assert verdict.feedback == "Your answer agrees with $\\theta_{t}$ for some inputs but not for all of them."


def test_generic_diagnoses_name_the_quantity(midterm: Midterm) -> None:
    assert midterm.check("delta_W2", "-delta_b2 a1.T").feedback == (
        "Your answer has the opposite sign of $\\delta_{W_{2}}$: check the signs."
    )
    assert midterm.check("delta_W2", "3 delta_b2 a1.T").feedback == (
        "Your answer is off from $\\delta_{W_{2}}$ by a constant factor: check the coefficients."
    )
    assert midterm.check("l2_update", "W2 - epsilon (dJ_dW2 - 2 W2)").feedback == (
        "Your answer does not equal the updated W2."
    )


def test_non_finite_values_are_invalid_not_wrong(midterm: Midterm) -> None:
    verdict = midterm.check("delta_yhat", "alpha y / (yhat - yhat)")
    assert (verdict.status, verdict.reason, verdict.position) == ("invalid", "evaluation", None)
    assert verdict.feedback.startswith("Your answer evaluates to an infinite or undefined value")


def test_feedback_never_reveals_the_model_answer(midterm: Midterm) -> None:
    for part, _, answer, expected in TABLE:
        if expected[0] == "incorrect" and expected[1] != "mistake":
            feedback = midterm.check(part, answer).feedback
            assert midterm.part(part).answer not in feedback


def test_latex_of_a_correct_answer_uses_the_declared_symbols(midterm: Midterm) -> None:
    verdict = midterm.check("delta_b2", "δ_ŷ ŷ (1 − ŷ)")
    assert verdict.latex == "\\delta_{\\hat{y}} \\hat{y} \\left(1 - \\hat{y}\\right)"
    verdict = midterm.check("l2_update", "(1 - 2 eps) W2 - eps dJ_dW2")
    assert verdict.latex == (
        "\\left(1 - 2 \\epsilon\\right) W_{2} - \\epsilon \\frac{\\partial J}{\\partial \\mathbf{W}_2}"
    )


def test_latex_of_an_incorrect_answer_is_shown_too(midterm: Midterm) -> None:
    verdict = midterm.check("delta_W1", "x delta_b1.T")
    assert verdict.latex == "x {\\delta_{b_{1}}}^{\\top}"


def _trials_in_this_process(parts: list[str]) -> dict[str, str]:
    """A digest of every trial value and expected value of each part, as this process draws them."""
    midterm = load_midterm()
    digests = {}
    for part_id in parts:
        part = midterm.part(part_id)
        variant = midterm.variant(part_id)
        prepared = _prepare(part.task(variant), variant.seed)
        values = [sorted((k, np.asarray(v).tolist()) for k, v in env.items() if isinstance(v, float | np.ndarray))
                  for env in prepared.envs]  # fmt: skip
        digests[part_id] = repr((values, [np.asarray(e).tolist() for e in prepared.expected]))
    return digests


def test_trials_are_the_same_in_every_process() -> None:
    """Checking workers are separate processes: the trials of a variant must not depend on anything per process
    (hash randomization, the order of first use, caches), or a verdict could change with the worker."""
    parts = list(EXPRESSION_PARTS)
    here = _trials_in_this_process(parts)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        there = pool.apply(_trials_in_this_process, (list(reversed(parts)),))
    assert there == here


# -- the transpose diagnosis needs a square, non-symmetric target: none of the midterm's parts has one --------------


def _square_task() -> ExpressionTask:
    return ExpressionTask(
        key="test/square-product",
        variables={"A": VariableSpec(shape=["n", "n"]), "B": VariableSpec(shape=["n", "n"])},
        allowed=("A", "B"),
        answer="A B",
        answer_name="AB",
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param("A @ B", OK, id="same-product"),
        pytest.param("(B.T A.T).T", OK, id="transpose-of-transposes"),
        pytest.param("B.T A.T", wrong("transpose"), id="transposed-product"),
        pytest.param("(A B)'", wrong("transpose"), id="primed-product"),
        pytest.param("B A", wrong("wrong"), id="commuted-product"),
        pytest.param("A * B", wrong("wrong"), id="elementwise-instead"),
    ],
)
def test_transpose_diagnosis_on_a_square_target(answer: str, expected: tuple[str, str]) -> None:
    verdict = check_expression(_square_task(), answer)
    assert (verdict.status, verdict.reason) == expected
    if expected[1] == "transpose":
        assert verdict.feedback == "Your answer is the transpose of AB: check the order of the factors."


def test_symmetric_target_accepts_its_transpose(midterm: Midterm) -> None:
    answer = "epsilon^2 sigma^2 (1 - alpha^(2 t)) / (1 - alpha^2) I"
    assert midterm.check("velocity_covariance", f"({answer})'").status == "correct"


# -- an empty sum is a zero of its body's shape ----------------------------------------------------------------------


def test_an_empty_sum_of_vectors_can_be_used_like_a_vector(midterm: Midterm) -> None:
    # Σ_{k=2}^{1} g_k is the zero vector, so θ0ᵀ times it is the scalar 0 and g[0 + 1] is g_1.
    verdict = midterm.check("theta_t", "theta0 - epsilon g[1 + theta0.T sum(g[k], k, 2, 1)]")
    assert verdict.reason == "partial"


def test_answer_ids_are_ascii() -> None:
    ids = [_id(part, label, expected) for part, label, _, expected in TABLE]
    assert all(re.fullmatch(r"[A-Za-z0-9_.:\-]+", i) for i in ids)
