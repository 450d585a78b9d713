"""
LIME's text explainer as marcotcr/lime defines it (lime/lime_text.py and lime/lime_base.py at fd7eb2e, BSD-2-Clause),
reimplemented in numpy (scikit-learn is not installable here) for the test fixture test/fixtures/reference/lime.json:
the cosine distance of each perturbed presence vector to the all-ones original, times 100; the kernel
sqrt(exp(-d^2 / 25^2)); feature selection 'auto', which for explain_instance's default num_features = 10 is
'highest_weights' (a Ridge with alpha 0.01 on every feature, the 10 largest |coef * x0|); then a Ridge with alpha 1 on
the selected features. Ridge with an intercept and sample weights is sklearn's: centre X and y by their weighted means,
solve (Xc' W Xc + alpha I) b = Xc' W yc, intercept = mean(y) - mean(X) b.

    /usr/bin/python3 training/reference/lime_text.py > test/fixtures/reference/lime.json
"""
import json
import numpy as np

KERNEL_WIDTH = 25
NUM_FEATURES = 10


def cosine_distance_to_first(data):
    # sklearn's cosine_distances: rows normalised (a zero row stays zero, so its similarity is 0).
    norms = np.linalg.norm(data, axis=1)
    safe = np.where(norms == 0, 1, norms)
    unit = data / safe[:, None]
    return (1 - unit @ unit[0]) * 100


def kernel(d):
    return np.sqrt(np.exp(-(d ** 2) / KERNEL_WIDTH ** 2))


def ridge(x, y, w, alpha):
    mean_x = np.average(x, axis=0, weights=w)
    mean_y = np.average(y, weights=w)
    xc, yc = x - mean_x, y - mean_y
    a = xc.T @ (w[:, None] * xc) + alpha * np.eye(x.shape[1])
    coef = np.linalg.solve(a, xc.T @ (w * yc))
    return coef, mean_y - mean_x @ coef


def lime_weights(data, labels):
    weights = kernel(cosine_distance_to_first(data))
    coef, _ = ridge(data, labels, weights, 0.01)
    ranked = sorted(range(data.shape[1]), key=lambda j: abs(coef[j] * data[0, j]), reverse=True)
    used = ranked[:NUM_FEATURES]
    final, intercept = ridge(data[:, used], labels, weights, 1.0)
    out = np.zeros(data.shape[1])
    out[used] = final
    return out, intercept, used


def sample_case(rng, units, samples):
    # As lime_text samples: row 0 the original; then 1..units features removed, chosen without replacement.
    data = np.ones((samples, units))
    for i, size in enumerate(rng.randint(1, units + 1, samples - 1), start=1):
        data[i, rng.choice(units, size, replace=False)] = 0
    true_w = rng.normal(0, 0.2, units)
    labels = 1 / (1 + np.exp(-(data @ true_w - 0.3 + 0.5 * data[:, 0] * data[:, 1]))) + rng.normal(0, 0.01, samples)
    return data, labels


def main():
    rng = np.random.RandomState(2016)
    cases = []
    for units, samples in [(6, 300), (15, 300), (24, 120)]:
        data, labels = sample_case(rng, units, samples)
        weights, intercept, used = lime_weights(data, labels)
        cases.append({
            'units': units,
            'presence': data.astype(int).tolist(),
            'values': labels.tolist(),
            'proximity': kernel(cosine_distance_to_first(data)).tolist(),
            'weights': weights.tolist(),
            'intercept': float(intercept),
            'selected': sorted(int(j) for j in used),
        })
    print(json.dumps({'source': 'training/reference/lime_text.py (marcotcr/lime fd7eb2e, BSD-2-Clause, reimplemented in numpy)', 'cases': cases}))


if __name__ == '__main__':
    main()
