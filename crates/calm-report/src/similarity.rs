//! Small text-similarity helpers used to pair elements whose `unique-id` changed.
//! Hand-rolled: token Jaccard over a handful of short strings does not justify a dependency.

use std::collections::BTreeSet;

/// Lower-case alphanumeric tokens (`api-gateway-1` → {api, gateway, 1}).
pub fn tokens(s: &str) -> BTreeSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase())
        .collect()
}

/// Jaccard similarity of the token sets of `a` and `b` (0 when both are empty).
pub fn jaccard(a: &str, b: &str) -> f64 {
    jaccard_sets(&tokens(a), &tokens(b))
}

/// Jaccard similarity of two token sets (0 when both are empty).
pub fn jaccard_sets(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Pair items greedily by descending score (ties: first old, then first new, in input order),
/// keeping pairs at or above `threshold`. Deterministic for the same inputs.
pub fn greedy_pairs(scores: &[(usize, usize, f64)], threshold: f64) -> Vec<(usize, usize)> {
    let mut sorted: Vec<&(usize, usize, f64)> =
        scores.iter().filter(|s| s.2 >= threshold).collect();
    sorted.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let mut used_old = BTreeSet::new();
    let mut used_new = BTreeSet::new();
    let mut out = Vec::new();
    for &&(o, n, _) in &sorted {
        if used_old.contains(&o) || used_new.contains(&n) {
            continue;
        }
        used_old.insert(o);
        used_new.insert(n);
        out.push((o, n));
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_of_ids() {
        assert!((jaccard("api-gateway", "api-gateway-1") - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(jaccard("", ""), 0.0);
        assert_eq!(jaccard("a", "b"), 0.0);
    }

    #[test]
    fn greedy_prefers_best_then_order() {
        let pairs = greedy_pairs(&[(0, 0, 0.6), (0, 1, 0.6), (1, 1, 0.9), (1, 0, 0.2)], 0.5);
        assert_eq!(pairs, vec![(0, 0), (1, 1)]);
    }
}
