//! Layered drawing of one level of the container tree (Sugiyama et al.): break cycles, assign
//! layers, route long edges through dummy nodes, reduce crossings with barycenter sweeps, then
//! place boxes along each layer by least squares under order and spacing constraints.
//!
//! Written here rather than taken from a crate: the Rust layered-layout crates we found
//! (layout-rs, dagre ports) neither support nested containers nor expose dummy-node routes.
//! Coordinates are abstract: `minor` runs along a layer, `major` across layers; the caller maps
//! them to x/y for top-to-bottom or left-to-right drawings.

use std::collections::{BTreeMap, BTreeSet};

/// Box size of one item: (extent along the layer, extent across layers).
pub type Size = (f64, f64);

pub struct Spacing {
    /// Between two real boxes in the same layer.
    pub minor: f64,
    /// Between two consecutive layers.
    pub major: f64,
}

pub struct LevelLayout {
    /// Centre (minor, major) of each item, from 0,0.
    pub centers: Vec<(f64, f64)>,
    /// Bend points of each lifted edge `(a, b)` spanning more than one layer, from `a` to `b`.
    pub chains: BTreeMap<(usize, usize), Vec<(f64, f64)>>,
    /// Total extent (minor, major).
    pub extent: (f64, f64),
}

const DUMMY_GAP: f64 = 14.0;

/// Lay out `sizes.len()` items linked by `edges` (item indices; duplicates and self-edges ignored).
pub fn layout(sizes: &[Size], edges: &[(usize, usize)], spacing: &Spacing) -> LevelLayout {
    let n = sizes.len();
    if n == 0 {
        return LevelLayout {
            centers: Vec::new(),
            chains: BTreeMap::new(),
            extent: (0.0, 0.0),
        };
    }
    let pairs: BTreeSet<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|(a, b)| a != b && *a < n && *b < n)
        .collect();

    // 1. Break cycles: reverse the back edges of a depth-first search (document order).
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &pairs {
        out[a].push(b);
    }
    let reversed = back_edges(&out);
    let mut dag: BTreeSet<(usize, usize)> = BTreeSet::new();
    for &(a, b) in &pairs {
        if reversed.contains(&(a, b)) {
            dag.insert((b, a))
        } else {
            dag.insert((a, b))
        };
    }

    // 2. Layers: longest path from the sources, then sources pulled down next to their
    // successors (actors sit just above what they use, not at the very top).
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &dag {
        succ[a].push(b);
        pred[b].push(a);
    }
    let order = topo_order(&succ, &pred);
    let mut layer = vec![0usize; n];
    for &v in &order {
        for &w in &succ[v] {
            layer[w] = layer[w].max(layer[v] + 1);
        }
    }
    for &v in order.iter().rev() {
        if pred[v].is_empty() && !succ[v].is_empty() {
            let m = succ[v].iter().map(|&w| layer[w]).min().unwrap_or(1);
            layer[v] = m.saturating_sub(1);
        }
    }
    // Items without any edge at this level go below, in rows of about sqrt(count).
    let isolated: Vec<usize> = (0..n)
        .filter(|&v| succ[v].is_empty() && pred[v].is_empty())
        .collect();
    let connected = n - isolated.len();
    let mut n_layers = if connected > 0 {
        (0..n)
            .filter(|v| !isolated.contains(v))
            .map(|v| layer[v])
            .max()
            .unwrap_or(0)
            + 1
    } else {
        0
    };
    let isolated_set: BTreeSet<usize> = isolated.iter().copied().collect();
    if !isolated.is_empty() {
        let k = isolated.len();
        let per_row = if k <= 6 {
            k
        } else {
            ((k as f64).sqrt().ceil() as usize).max(4)
        };
        for (k, &v) in isolated.iter().enumerate() {
            layer[v] = n_layers + k / per_row;
        }
        n_layers += isolated.len().div_ceil(per_row);
    }

    // 3. Dummy items on edges that span more than one layer.
    let mut item_size: Vec<Size> = sizes.to_vec();
    let mut item_layer = layer.clone();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut dag_chains: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for &(a, b) in &dag {
        let (la, lb) = (item_layer[a], item_layer[b]);
        let mut prev = a;
        let mut chain = Vec::new();
        for l in la + 1..lb {
            let d = item_size.len();
            item_size.push((0.0, 0.0));
            item_layer.push(l);
            up.push(vec![prev]);
            down.push(Vec::new());
            down[prev].push(d);
            chain.push(d);
            prev = d;
        }
        down[prev].push(b);
        up[b].push(prev);
        if !chain.is_empty() {
            dag_chains.insert((a, b), chain);
        }
    }
    let total = item_size.len();
    let is_dummy = |v: usize| v >= n;

    // 4. Order within layers: barycenter sweeps, keeping the order with fewest crossings.
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); n_layers];
    for v in 0..total {
        layers[item_layer[v]].push(v);
    }
    let mut pos = vec![0usize; total];
    let set_pos = |layers: &Vec<Vec<usize>>, pos: &mut Vec<usize>| {
        for l in layers {
            for (i, &v) in l.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    set_pos(&layers, &mut pos);
    let mut best = layers.clone();
    let mut best_cross = crossings(&layers, &down, &pos);
    let sweeps = if total > 20_000 {
        2
    } else if total > 4_000 {
        4
    } else {
        12
    };
    for it in 0..sweeps {
        if best_cross == 0 {
            break;
        }
        let downward = it % 2 == 0;
        let range: Vec<usize> = if downward {
            (1..n_layers).collect()
        } else {
            (0..n_layers.saturating_sub(1)).rev().collect()
        };
        for l in range {
            let nbrs = if downward { &up } else { &down };
            let mut keyed: Vec<(f64, usize, usize)> = layers[l]
                .iter()
                .map(|&v| {
                    let ns = &nbrs[v];
                    let b = if ns.is_empty() {
                        pos[v] as f64
                    } else {
                        ns.iter().map(|&u| pos[u] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (b, pos[v], v)
                })
                .collect();
            keyed.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            layers[l] = keyed.into_iter().map(|k| k.2).collect();
            for (i, &v) in layers[l].iter().enumerate() {
                pos[v] = i;
            }
        }
        let c = crossings(&layers, &down, &pos);
        if c < best_cross {
            best_cross = c;
            best = layers.clone();
        }
    }
    let layers = best;
    set_pos(&layers, &mut pos);

    // 5. Coordinates across layers.
    let mut major_center = vec![0.0; n_layers];
    let mut offset = 0.0;
    for (l, items) in layers.iter().enumerate() {
        let thick = items.iter().map(|&v| item_size[v].1).fold(0.0, f64::max);
        major_center[l] = offset + thick / 2.0;
        offset += thick + spacing.major;
    }
    let extent_major = (offset - spacing.major).max(0.0);

    // 6. Coordinates along layers: pack, then pull each item toward its neighbours' mean.
    let sep = |a: usize, b: usize| {
        let gap = match (is_dummy(a), is_dummy(b)) {
            (false, false) => spacing.minor,
            (true, true) => DUMMY_GAP,
            _ => spacing.minor / 2.0,
        };
        (item_size[a].0 + item_size[b].0) / 2.0 + gap
    };
    let mut x = vec![0.0; total];
    for items in &layers {
        let mut cur = 0.0;
        for (i, &v) in items.iter().enumerate() {
            if i > 0 {
                cur += sep(items[i - 1], v);
            }
            x[v] = cur;
        }
    }
    let rounds = if total > 4_000 { 3 } else { 8 };
    for round in 0..=rounds {
        let final_round = round == rounds;
        for pass in 0..2 {
            let downward = pass == 0;
            let range: Vec<usize> = if downward {
                (0..n_layers).collect()
            } else {
                (0..n_layers).rev().collect()
            };
            for l in range {
                let items = &layers[l];
                if items.is_empty() {
                    continue;
                }
                let desired: Vec<f64> = items
                    .iter()
                    .map(|&v| {
                        let mut sum = 0.0;
                        let mut cnt = 0.0;
                        let mut add = |ns: &Vec<usize>, w: f64| {
                            for &u in ns {
                                sum += x[u] * w;
                                cnt += w;
                            }
                        };
                        // Dummies pull harder so long edges run straight.
                        let w = if is_dummy(v) { 2.0 } else { 1.0 };
                        if final_round || downward {
                            add(&up[v], w);
                        }
                        if final_round || !downward {
                            add(&down[v], w);
                        }
                        if cnt == 0.0 { x[v] } else { sum / cnt }
                    })
                    .collect();
                let placed = place_in_order(items, &desired, &sep);
                for (i, &v) in items.iter().enumerate() {
                    x[v] = placed[i];
                }
            }
        }
    }
    // Rows of unlinked items are centred under the rest.
    let min_x = (0..total)
        .map(|v| x[v] - item_size[v].0 / 2.0)
        .fold(f64::INFINITY, f64::min);
    for xv in x.iter_mut().take(total) {
        *xv -= min_x;
    }
    let mut extent_minor = (0..total)
        .map(|v| x[v] + item_size[v].0 / 2.0)
        .fold(0.0, f64::max);
    if connected > 0 && !isolated.is_empty() {
        let main_w = (0..total)
            .filter(|v| !isolated_set.contains(v))
            .map(|v| x[v] + item_size[v].0 / 2.0)
            .fold(0.0, f64::max);
        for items in layers
            .iter()
            .filter(|l| l.iter().all(|v| isolated_set.contains(v)))
        {
            let left = x[items[0]] - item_size[items[0]].0 / 2.0;
            let last = *items.last().unwrap();
            let right = x[last] + item_size[last].0 / 2.0;
            let shift = ((main_w - (right - left)) / 2.0 - left).max(-left);
            for &v in items {
                x[v] += shift;
            }
        }
        extent_minor = (0..total)
            .map(|v| x[v] + item_size[v].0 / 2.0)
            .fold(0.0, f64::max);
    }

    let centers = (0..n)
        .map(|v| (x[v], major_center[item_layer[v]]))
        .collect();
    let mut chains = BTreeMap::new();
    for &(a, b) in &pairs {
        let (key, rev) = if reversed.contains(&(a, b)) {
            ((b, a), true)
        } else {
            ((a, b), false)
        };
        if let Some(ch) = dag_chains.get(&key) {
            let mut pts: Vec<(f64, f64)> = ch
                .iter()
                .map(|&d| (x[d], major_center[item_layer[d]]))
                .collect();
            if rev {
                pts.reverse();
            }
            chains.insert((a, b), pts);
        }
    }
    LevelLayout {
        centers,
        chains,
        extent: (extent_minor, extent_major),
    }
}

/// Positions as close as possible (least squares) to `desired`, keeping the order of `items`
/// and at least `sep(a, b)` between neighbours: isotonic regression by pool-adjacent-violators
/// on the positions shifted by the cumulative spacing.
fn place_in_order(items: &[usize], desired: &[f64], sep: &dyn Fn(usize, usize) -> f64) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(items.len());
    let mut acc = 0.0;
    for i in 0..items.len() {
        if i > 0 {
            acc += sep(items[i - 1], items[i]);
        }
        offsets.push(acc);
    }
    // Blocks of (sum, count) with non-decreasing means.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for i in 0..items.len() {
        blocks.push((desired[i] - offsets[i], 1));
        while blocks.len() >= 2 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 > s2 / c2 as f64 {
                blocks.pop();
                blocks.pop();
                blocks.push((s1 + s2, c1 + c2));
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(items.len());
    for (s, c) in blocks {
        let m = s / c as f64;
        for _ in 0..c {
            let i = out.len();
            out.push(m + offsets[i]);
        }
    }
    out
}

/// Edges whose reversal makes the graph acyclic: back edges of an iterative DFS.
fn back_edges(out: &[Vec<usize>]) -> BTreeSet<(usize, usize)> {
    let n = out.len();
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut back = BTreeSet::new();
    for s in 0..n {
        if state[s] != 0 {
            continue;
        }
        let mut stack = vec![(s, 0usize)];
        state[s] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i < out[v].len() {
                let w = out[v][*i];
                *i += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        back.insert((v, w));
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

fn topo_order(succ: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<usize> {
    let n = succ.len();
    let mut indeg: Vec<usize> = pred.iter().map(Vec::len).collect();
    let mut ready: std::collections::VecDeque<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(v) = ready.pop_front() {
        order.push(v);
        for &w in &succ[v] {
            indeg[w] -= 1;
            if indeg[w] == 0 {
                ready.push_back(w);
            }
        }
    }
    order
}

/// Number of edge crossings between consecutive layers (inversions, counted with a Fenwick tree).
fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    for l in 0..layers.len().saturating_sub(1) {
        let width = layers[l + 1].len();
        if width == 0 {
            continue;
        }
        let mut ends: Vec<(usize, usize)> = Vec::new();
        for &u in &layers[l] {
            for &v in &down[u] {
                ends.push((pos[u], pos[v]));
            }
        }
        ends.sort_unstable();
        let mut tree = vec![0usize; width + 1];
        for (seen, &(_, b)) in ends.iter().enumerate() {
            // count earlier ends strictly greater than b
            let mut i = b + 1;
            let mut le = 0;
            while i > 0 {
                le += tree[i];
                i -= i & i.wrapping_neg();
            }
            total += seen - le;
            let mut i = b + 1;
            while i <= width {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp() -> Spacing {
        Spacing {
            minor: 40.0,
            major: 60.0,
        }
    }

    #[test]
    fn chain_is_layered_top_down() {
        let l = layout(&[(100.0, 40.0); 3], &[(0, 1), (1, 2)], &sp());
        assert!(l.centers[0].1 < l.centers[1].1 && l.centers[1].1 < l.centers[2].1);
    }

    #[test]
    fn cycles_terminate_and_long_edges_get_bends() {
        let l = layout(
            &[(100.0, 40.0); 4],
            &[(0, 1), (1, 2), (2, 0), (0, 3), (2, 3), (1, 3)],
            &sp(),
        );
        assert_eq!(l.centers.len(), 4);
        assert!(l.chains.contains_key(&(0, 3)) || l.chains.contains_key(&(2, 0)));
    }

    #[test]
    fn same_layer_boxes_keep_their_spacing() {
        let sizes = [(100.0, 40.0), (80.0, 40.0), (120.0, 40.0), (60.0, 40.0)];
        let l = layout(&sizes, &[(0, 1), (0, 2), (0, 3)], &sp());
        let mut row: Vec<usize> = vec![1, 2, 3];
        row.sort_by(|a, b| l.centers[*a].0.total_cmp(&l.centers[*b].0));
        for w in row.windows(2) {
            let gap = (l.centers[w[1]].0 - sizes[w[1]].0 / 2.0)
                - (l.centers[w[0]].0 + sizes[w[0]].0 / 2.0);
            assert!(gap >= 40.0 - 1e-6, "{gap}");
        }
    }

    #[test]
    fn crossing_reduction_untangles_a_swapped_pair() {
        // 0->3, 1->2 drawn in index order would cross; barycenter sweeps fix that.
        let l = layout(&[(50.0, 20.0); 4], &[(0, 3), (1, 2)], &sp());
        let left_top = l.centers[0].0 < l.centers[1].0;
        let left_bottom = l.centers[3].0 < l.centers[2].0;
        assert_eq!(left_top, left_bottom);
    }

    #[test]
    fn pava_keeps_order_and_spacing() {
        let sep = |_: usize, _: usize| 10.0;
        let p = place_in_order(&[0, 1, 2], &[5.0, 5.0, 5.0], &sep);
        assert!((p[1] - p[0] - 10.0).abs() < 1e-9 && (p[2] - p[1] - 10.0).abs() < 1e-9);
        assert!((p[1] - 5.0).abs() < 1e-9);
    }
}
