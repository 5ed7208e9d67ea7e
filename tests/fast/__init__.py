def agree(a: float, b: float) -> bool:
    """The vectorised evaluator's tolerance: |a − b| ≤ 1e-12·max(|a|, |b|) + 1e-15; infinities
    equal, NaN with NaN."""
    import math

    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b)) + 1e-15
