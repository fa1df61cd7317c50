//! Search-space layers beyond Dense/Conv/Pool: strided convolutions, upsampling, zero padding,
//! and fixing a space to one architecture (`restricted_to`). CPU, release.
//!
//! Oracle: a naive channels-last float evaluation of the derived IR network written here from
//! the IR's documented semantics (Keras `same`: `out = ceil(in / stride)`, odd padding pixel at
//! the end; nearest-neighbour upsampling; zeros around the border), compared with the supernet
//! at an absolute tolerance of 1e-4; and the round trip `derive` -> `supernet_from_network`,
//! which must predict the same values (tolerance 1e-4).

use hwnas_core::Error;
use hwnas_core::ir::{Activation, Network, Op, Padding};
use hwnas_core::rng::{Random, SplitMix64};
use hwnas_core::search::*;
use hwnas_core::space::*;
use hwnas_core::supernet::*;

type B = burn::backend::Autodiff<burn::backend::Flex>;

const TOL: f32 = 1e-4;

fn dev() -> burn::tensor::Device<B> {
    Default::default()
}

/// `n` samples of normal noise for a space's input, seeded.
fn noise(space: &SpaceSpec, n: usize, outputs: usize, seed: u64) -> Dataset {
    let f: usize = space.input_shape.iter().product();
    let mut rng = SplitMix64::new(seed);
    let x = (0..n * f).map(|_| rng.normal() as f32).collect();
    Dataset::new(x, vec![0.0; n * outputs], f, outputs).unwrap()
}

/// A channels-last activation.
struct Map {
    shape: Vec<usize>,
    data: Vec<f32>,
}

/// Convolution over `[h][w][c]` with kernel `[kh][kw][ci][co]`, per-axis stride and padding.
fn conv(x: &Map, w: &[f32], b: &[f32], k: [usize; 2], s: [usize; 2], p: Padding) -> Map {
    let (h, wd, ci) = (x.shape[0], x.shape[1], x.shape[2]);
    let co = b.len();
    let ah = p.resolve(h, k[0], s[0]).unwrap();
    let aw = p.resolve(wd, k[1], s[1]).unwrap();
    let mut out = vec![0.0f32; ah.out * aw.out * co];
    for i in 0..ah.out {
        for j in 0..aw.out {
            for o in 0..co {
                let mut acc = b[o];
                for di in 0..k[0] {
                    for dj in 0..k[1] {
                        let ii = (i * s[0] + di) as isize - ah.pad_begin as isize;
                        let jj = (j * s[1] + dj) as isize - aw.pad_begin as isize;
                        if ii < 0 || jj < 0 || ii >= h as isize || jj >= wd as isize {
                            continue;
                        }
                        for c in 0..ci {
                            acc += x.data[(ii as usize * wd + jj as usize) * ci + c]
                                * w[((di * k[1] + dj) * ci + c) * co + o];
                        }
                    }
                }
                out[(i * aw.out + j) * co + o] = acc;
            }
        }
    }
    Map {
        shape: vec![ah.out, aw.out, co],
        data: out,
    }
}

/// Naive float evaluation of `net` on one channels-last sample, rounded to the input type first
/// (as the supernet and the firmware see it); no other quantisation.
fn reference(net: &Network, sample: &[f32]) -> Vec<f32> {
    let t = net.input_type;
    let rounded: Vec<f32> = sample
        .iter()
        .map(|&v| t.quantize_to_f64(v as f64) as f32)
        .collect();
    let sample = &rounded[..];
    // 1-D maps are kept as `[1][length][c]`.
    let s = &net.input_shape;
    let mut x = Map {
        shape: match s.len() {
            1 => vec![1, 1, s[0]],
            2 => vec![1, s[0], s[1]],
            _ => s.clone(),
        },
        data: sample.to_vec(),
    };
    for layer in &net.layers {
        let wt = |key: &str| &net.weights[&format!("{}.{key}", layer.name)].data;
        x = match &layer.op {
            Op::Dense(d) => {
                let (w, b) = (wt("weight"), wt("bias"));
                let data = (0..d.units)
                    .map(|o| {
                        b[o] + x
                            .data
                            .iter()
                            .enumerate()
                            .map(|(r, v)| v * w[r * d.units + o])
                            .sum::<f32>()
                    })
                    .collect();
                Map {
                    shape: vec![1, 1, d.units],
                    data,
                }
            }
            Op::Conv1D(c) => conv(
                &x,
                wt("weight"),
                wt("bias"),
                [1, c.kernel],
                [1, c.stride],
                c.padding,
            ),
            Op::Conv2D(c) => conv(&x, wt("weight"), wt("bias"), c.kernel, c.stride, c.padding),
            Op::Activation(Activation::ReLU(_)) => Map {
                data: x.data.iter().map(|v| v.max(0.0)).collect(),
                shape: x.shape,
            },
            Op::Flatten(_) => Map {
                shape: vec![1, 1, x.data.len()],
                data: x.data,
            },
            Op::UpSampling1D(_) | Op::UpSampling2D(_) => {
                let [sh, sw] = match &layer.op {
                    Op::UpSampling1D(u) => [1, u.size],
                    Op::UpSampling2D(u) => u.size,
                    _ => unreachable!(),
                };
                let (h, w, c) = (x.shape[0], x.shape[1], x.shape[2]);
                let mut data = Vec::new();
                for i in 0..h * sh {
                    for j in 0..w * sw {
                        let at = ((i / sh) * w + j / sw) * c;
                        data.extend_from_slice(&x.data[at..at + c]);
                    }
                }
                Map {
                    shape: vec![h * sh, w * sw, c],
                    data,
                }
            }
            Op::ZeroPadding1D(_) | Op::ZeroPadding2D(_) => {
                let [t, bo, l, r] = match &layer.op {
                    Op::ZeroPadding1D(z) => [0, 0, z.left, z.right],
                    Op::ZeroPadding2D(z) => [z.top, z.bottom, z.left, z.right],
                    _ => unreachable!(),
                };
                let (h, w, c) = (x.shape[0], x.shape[1], x.shape[2]);
                let (ho, wo) = (h + t + bo, w + l + r);
                let mut data = vec![0.0; ho * wo * c];
                for i in 0..h {
                    for j in 0..w {
                        let to = ((i + t) * wo + j + l) * c;
                        data[to..to + c].copy_from_slice(&x.data[(i * w + j) * c..][..c]);
                    }
                }
                Map {
                    shape: vec![ho, wo, c],
                    data,
                }
            }
            other => panic!("the reference lacks {}", other.kind()),
        };
    }
    x.data
}

/// For every architecture of `space`: the supernet's predictions equal the naive reference of
/// the derived network (masked-out units are zero), the derived network analyses to `out`, and
/// the network loads back into a supernet with the same predictions.
fn check_every_arch(space: &SpaceSpec, out: &[usize], seed: u64) {
    let net = Supernet::<B>::new(space, &dev(), seed).unwrap();
    let width: usize = space
        .layer_shapes()
        .unwrap()
        .last()
        .unwrap()
        .output
        .iter()
        .product();
    let data = noise(space, 3, width, seed + 1);
    let counts: Vec<usize> = space.decisions().iter().map(|d| d.options.len()).collect();
    let total: usize = counts.iter().product();
    for a in 0..total {
        let mut rest = a;
        let idx: Vec<usize> = counts
            .iter()
            .map(|&c| {
                let i = rest % c;
                rest /= c;
                i
            })
            .collect();
        let (pred, _, _) = predict(&net, &idx, &data, 2).unwrap();
        let ir = derive(&net, &idx, &data).unwrap();
        let got_out = ir.analyze().unwrap().output_shape().to_vec();
        let n_out: usize = got_out.iter().product();
        assert_eq!(
            &got_out[..got_out.len() - 1],
            &out[..out.len() - 1],
            "{idx:?}"
        );
        for n in 0..data.len() {
            let want = reference(&ir, &data.x[n * data.features..(n + 1) * data.features]);
            assert_eq!(want.len(), n_out);
            let row = &pred[n * width..(n + 1) * width];
            if n_out == width {
                for (g, w) in row.iter().zip(&want) {
                    assert!((g - w).abs() < TOL, "{idx:?} sample {n}: {g} vs {w}");
                }
            } else {
                // Narrower last layer: the first `n_out` channels of every position.
                let (cmax, c) = (out[out.len() - 1], got_out[got_out.len() - 1]);
                for p in 0..width / cmax {
                    for ch in 0..cmax {
                        let g = row[p * cmax + ch];
                        let w = if ch < c { want[p * c + ch] } else { 0.0 };
                        assert!((g - w).abs() < TOL, "{idx:?} sample {n}: {g} vs {w}");
                    }
                }
            }
        }
        let back = supernet_from_network::<B>(&ir, &dev()).unwrap();
        let (p2, _, _) = predict(&back, &[], &data, 2).unwrap();
        let want: Vec<f32> = (0..data.len())
            .flat_map(|n| reference(&ir, &data.x[n * data.features..(n + 1) * data.features]))
            .collect();
        assert_eq!(p2.len(), want.len());
        for (a, b) in p2.iter().zip(&want) {
            assert!((a - b).abs() < TOL, "{idx:?} round trip: {a} vs {b}");
        }
    }
}

fn shapes(space: &SpaceSpec) -> Vec<Vec<usize>> {
    space
        .layer_shapes()
        .unwrap()
        .into_iter()
        .map(|s| s.output)
        .collect()
}

fn ops(space: &SpaceSpec) -> Vec<&'static str> {
    space
        .lower(&space.default_arch())
        .unwrap()
        .layers
        .iter()
        .map(|l| l.op.kind())
        .collect()
}

#[test]
fn strided_conv2d_same_and_valid() {
    // 7 is odd: `same` with stride 2 pads unevenly (the odd pixel at the end).
    let same = SpaceSpec::builder("s2same", vec![7, 7, 2])
        .layer(LayerSpec::conv2d("conv1", &[2, 3], &[3, 5]).stride(2))
        .layer(LayerSpec::relu("relu1"))
        .layer(LayerSpec::conv2d("conv2", &[2], &[3]).stride(2))
        .build()
        .unwrap();
    assert_eq!(shapes(&same), [vec![4, 4, 3], vec![4, 4, 3], vec![2, 2, 2]]);
    let ir = same.lower(&same.default_arch()).unwrap();
    let Op::Conv2D(c) = &ir.layers[0].op else {
        panic!("conv1 lowers to {}", ir.layers[0].op.kind())
    };
    assert_eq!((c.stride, c.padding), ([2, 2], Padding::Same));
    assert_eq!(ir.analyze().unwrap().output_shape(), [2, 2, 2]);
    check_every_arch(&same, &[2, 2, 2], 3);

    let valid = SpaceSpec::builder("s2valid", vec![9, 8, 1])
        .layer(
            LayerSpec::conv2d("conv1", &[2, 4], &[3])
                .padding(Padding::Valid)
                .stride(2),
        )
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("out", &[2]))
        .build()
        .unwrap();
    assert_eq!(shapes(&valid)[0], [4, 3, 4]);
    assert_eq!(ops(&valid), ["Conv2D", "Flatten", "Dense"]);
    check_every_arch(&valid, &[2], 5);
}

#[test]
fn strided_conv1d_same_and_valid() {
    let s = SpaceSpec::builder("s1", vec![11, 2])
        .layer(LayerSpec::conv1d("conv1", &[2, 3], &[3, 5]).stride(2))
        .layer(
            LayerSpec::conv1d("conv2", &[2], &[3])
                .padding(Padding::Valid)
                .stride(3),
        )
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("out", &[3]))
        .build()
        .unwrap();
    // ceil(11 / 2) = 6, then (6 - 3) / 3 + 1 = 2.
    assert_eq!(shapes(&s)[..2], [vec![6, 3], vec![2, 2]]);
    let ir = s.lower(&s.default_arch()).unwrap();
    let Op::Conv1D(c) = &ir.layers[1].op else {
        panic!("conv2 lowers to {}", ir.layers[1].op.kind())
    };
    assert_eq!((c.stride, c.padding), (3, Padding::Valid));
    check_every_arch(&s, &[3], 7);
}

#[test]
fn upsampling1d_and_2d() {
    let s1 = SpaceSpec::builder("up1", vec![5, 2])
        .layer(LayerSpec::conv1d("conv1", &[2, 3], &[3]))
        .layer(LayerSpec::upsampling1d("up", 3))
        .layer(LayerSpec::conv1d("conv2", &[2], &[3, 5]))
        .build()
        .unwrap();
    assert_eq!(shapes(&s1), [vec![5, 3], vec![15, 3], vec![15, 2]]);
    assert_eq!(ops(&s1), ["Conv1D", "UpSampling1D", "Conv1D"]);
    check_every_arch(&s1, &[15, 2], 11);

    let s2 = SpaceSpec::builder("up2", vec![3, 4, 2])
        .layer(LayerSpec::conv2d("conv1", &[2, 3], &[1, 3]))
        .layer(LayerSpec::upsampling2d("up", [2, 3]))
        .layer(LayerSpec::relu("relu"))
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("out", &[2]))
        .build()
        .unwrap();
    assert_eq!(shapes(&s2)[1], [6, 12, 3]);
    let ir = s2.lower(&s2.default_arch()).unwrap();
    assert!(matches!(&ir.layers[1].op, Op::UpSampling2D(u) if u.size == [2, 3]));
    check_every_arch(&s2, &[2], 13);
}

#[test]
fn zero_padding1d_and_2d() {
    let s1 = SpaceSpec::builder("pad1", vec![4, 2])
        .layer(LayerSpec::zero_padding1d("pad", [1, 2]))
        .layer(
            LayerSpec::conv1d("conv1", &[2, 3], &[5])
                .padding(Padding::Valid)
                .stride(2),
        )
        .build()
        .unwrap();
    // 4 + 3 = 7, then (7 - 5) / 2 + 1 = 2.
    assert_eq!(shapes(&s1), [vec![7, 2], vec![2, 3]]);
    let ir = s1.lower(&s1.default_arch()).unwrap();
    assert!(matches!(&ir.layers[0].op, Op::ZeroPadding1D(z) if (z.left, z.right) == (1, 2)));
    check_every_arch(&s1, &[2, 3], 17);

    let s2 = SpaceSpec::builder("pad2", vec![3, 4, 2])
        .layer(LayerSpec::conv2d("conv1", &[2, 3], &[3]))
        .layer(LayerSpec::zero_padding2d("pad", [1, 0, 2, 1]))
        .layer(LayerSpec::conv2d("conv2", &[2], &[3]).padding(Padding::Valid))
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("out", &[2, 3]))
        .build()
        .unwrap();
    assert_eq!(shapes(&s2)[1..3], [vec![4, 7, 3], vec![2, 5, 2]]);
    let ir = s2.lower(&s2.default_arch()).unwrap();
    assert!(matches!(
        &ir.layers[1].op,
        Op::ZeroPadding2D(z) if [z.top, z.bottom, z.left, z.right] == [1, 0, 2, 1]
    ));
    check_every_arch(&s2, &[3], 19);
}

#[test]
fn restricted_to_fixes_every_decision() {
    let space = SpaceSpec::builder("full", vec![8, 8, 2])
        .layer(
            LayerSpec::conv2d("conv1", &[2, 4], &[3, 5])
                .stride(2)
                .weight_bits(&[4, 8])
                .result_bits(&[8, 12]),
        )
        .layer(LayerSpec::max_or_avg_pool2d("pool1", [2, 2]))
        .layer(LayerSpec::upsampling2d("up", [2, 2]))
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("fc1", &[6]).reuse_factors(&[1, 2]))
        .layer(LayerSpec::dense("fc2", &[6]).optional())
        .layer(LayerSpec::dense("out", &[1]))
        .build()
        .unwrap();
    let n = space.decisions().len();
    assert_eq!(n, 7);
    for idx in [vec![0; n], vec![1; n], vec![1, 0, 1, 0, 1, 1, 0]] {
        let arch = space.arch_from_indices(&idx).unwrap();
        let fixed = space.restricted_to(&arch).unwrap();
        assert!(fixed.decisions().is_empty());
        assert_eq!(fixed.size(), 1.0);
        let one = fixed.default_arch();
        assert_eq!(fixed.lower(&one).unwrap(), space.lower(&arch).unwrap());
        // Restricting again to its only member changes nothing.
        assert_eq!(fixed.restricted_to(&one).unwrap(), fixed);
        // A fixed network trains as a supernet without decisions.
        let net = Supernet::<B>::new(&fixed, &dev(), 1).unwrap();
        let data = noise(&fixed, 2, 1, 2);
        let (pred, _, _) = predict(&net, &[], &data, 2).unwrap();
        assert!(pred.iter().all(|v| v.is_finite()));
    }
    // fc2 switched off is left out.
    let off = space.arch_from_indices(&[0, 0, 0, 0, 0, 0, 1]).unwrap();
    assert_eq!(off.get("fc2.on"), Some(Choice::On(false)));
    let fixed = space.restricted_to(&off).unwrap();
    assert!(fixed.layers.iter().all(|l| l.name != "fc2"));

    // Architectures of another space are refused, naming the decision.
    let other = SpaceSpec::builder("other", vec![4])
        .layer(LayerSpec::dense("fc9", &[2, 3]))
        .build()
        .unwrap();
    let msg = |r: Result<SpaceSpec, Error>| match r {
        Err(e @ Error::InvalidArch(_)) => e.to_string(),
        other => panic!("expected InvalidArch, got {other:?}"),
    };
    let e = msg(space.restricted_to(&other.default_arch()));
    assert!(
        e.contains("`fc9.width` is not a decision of the space `full`"),
        "{e}"
    );
    let mut missing = space.default_arch();
    missing.picks.retain(|p| p.decision != "pool1.op");
    let e = msg(space.restricted_to(&missing));
    assert!(e.contains("lacks `pool1.op`"), "{e}");
    let mut bad = space.default_arch();
    bad.picks[0].value = Choice::Value(3);
    let e = msg(space.restricted_to(&bad));
    assert!(
        e.contains("`conv1.width` = 3 is not an option; use one of 2, 4"),
        "{e}"
    );
}

fn build_err(layers: Vec<LayerSpec>, input: Vec<usize>) -> String {
    let mut b = SpaceSpec::builder("bad", input);
    for l in layers {
        b = b.layer(l);
    }
    match b.build() {
        Err(e @ Error::InvalidSpace { .. }) => e.to_string(),
        other => panic!("expected InvalidSpace, got {other:?}"),
    }
}

#[test]
fn bad_layers_are_explained() {
    let cases: Vec<(Vec<LayerSpec>, Vec<usize>, &str)> = vec![
        (
            vec![LayerSpec::conv2d("conv1", &[2], &[3]).stride(0)],
            vec![4, 4, 1],
            "layer `conv1`: stride = 0 is invalid; a convolution's stride must be at least 1",
        ),
        (
            vec![LayerSpec::conv1d("conv1", &[2], &[3]).stride(0)],
            vec![4, 1],
            "stride = 0 is invalid",
        ),
        (
            vec![LayerSpec::dense("fc", &[2]).stride(2)],
            vec![4],
            "stride = 2 is set on a Dense layer; only Conv1D and Conv2D have a stride",
        ),
        (
            vec![LayerSpec::upsampling1d("up", 0)],
            vec![4, 1],
            "layer `up`: upsampling size 0 is invalid; the repetition factor must be at least 1",
        ),
        (
            vec![LayerSpec::upsampling2d("up", [2, 0])],
            vec![4, 4, 1],
            "upsampling size [2, 0] is invalid; both repetition factors must be at least 1",
        ),
        (
            vec![LayerSpec::upsampling2d("up", [2, 2])],
            vec![4, 1],
            "layer `up`: needs a 3-D [height, width, channels] input but gets shape [4, 1] (rank 2); \
             use the 1-D variant of the layer",
        ),
        (
            vec![LayerSpec::zero_padding1d("pad", [1, 1])],
            vec![4, 4, 1],
            "layer `pad`: needs a 2-D [length, channels] input but gets shape [4, 4, 1] (rank 3); \
             use the 2-D variant of the layer",
        ),
        (
            vec![LayerSpec {
                pad: [1, 0, 0, 0],
                ..LayerSpec::relu("act")
            }],
            vec![4],
            "zero padding [1, 0, 0, 0] is set on a ReLU layer; only ZeroPadding layers pad",
        ),
        (
            vec![LayerSpec {
                size: [1, 2],
                ..LayerSpec::flatten("flat")
            }],
            vec![4],
            "only UpSampling layers have a size",
        ),
        (
            vec![LayerSpec {
                stride: 2,
                ..LayerSpec::max_pool2d("pool", [2, 2])
            }],
            vec![4, 4, 1],
            "stride = 2 is set on a Pool2D layer; only Conv1D and Conv2D have a stride",
        ),
        (
            vec![LayerSpec {
                epsilon: 0.0,
                ..LayerSpec::batch_norm("bn")
            }],
            vec![4],
            "layer `bn`: epsilon = 0 is invalid; BatchNorm's epsilon must be positive and finite",
        ),
        (
            vec![LayerSpec::conv2d("conv1", &[2], &[3, 5]).padding(Padding::Valid)],
            vec![8, 8, 1],
            "a kernel-size decision needs `same` padding",
        ),
        (
            vec![LayerSpec::conv2d("conv1", &[2], &[2, 4])],
            vec![8, 8, 1],
            "kernels must be odd with `same` padding",
        ),
        (
            // The padded input is still smaller than the valid kernel.
            vec![
                LayerSpec::zero_padding2d("pad", [0, 1, 0, 1]),
                LayerSpec::conv2d("conv1", &[2], &[5])
                    .padding(Padding::Valid)
                    .stride(2),
            ],
            vec![3, 3, 1],
            "layer `conv1`: the window of 5 does not fit the height of 4 with `valid` padding; \
             use a smaller window, `same` padding or a ZeroPadding layer before it",
        ),
        (
            // Keras pads nothing for kernel 1 (stride 2, even length) but pads kernel 5: the
            // centred sub-kernel would read other pixels.
            vec![LayerSpec::conv2d("conv1", &[2], &[1, 5]).stride(2)],
            vec![8, 8, 1],
            "with stride 2 and `same` padding the kernel 1 needs no padding on the height of 8 \
             while the kernel 5 does",
        ),
        (
            // A strided convolution changes the shape, so it cannot be switched off.
            vec![
                LayerSpec::conv2d("conv0", &[2], &[3]),
                LayerSpec::conv2d("conv1", &[2], &[3]).stride(2).optional(),
            ],
            vec![4, 4, 1],
            "layer `conv1`: only a Dense or `same` convolution whose single width equals",
        ),
    ];
    for (layers, input, want) in cases {
        let e = build_err(layers, input);
        assert!(e.contains(want), "got: {e}\nwant: {want}");
    }
}

#[test]
fn spaces_without_the_new_fields_still_parse() {
    let space = SpaceSpec::builder("old", vec![4, 4, 1])
        .layer(LayerSpec::conv2d("conv1", &[2], &[3]))
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("out", &[1]))
        .build()
        .unwrap();
    let mut json: serde_json::Value = serde_json::to_value(&space).unwrap();
    for l in json["layers"].as_array_mut().unwrap() {
        let o = l.as_object_mut().unwrap();
        for key in ["stride", "size", "pad"] {
            assert!(o.remove(key).is_some(), "{key} is serialised");
        }
    }
    let back: SpaceSpec = serde_json::from_value(json).unwrap();
    assert_eq!(back, space);

    let new = SpaceSpec::builder("new", vec![4, 4, 1])
        .layer(LayerSpec::zero_padding2d("pad", [1, 2, 3, 4]))
        .layer(LayerSpec::conv2d("conv1", &[2], &[3]).stride(2))
        .layer(LayerSpec::upsampling2d("up", [2, 3]))
        .build()
        .unwrap();
    let text = serde_json::to_string(&new).unwrap();
    assert_eq!(serde_json::from_str::<SpaceSpec>(&text).unwrap(), new);
}

#[test]
fn space_shape_overflow_is_an_error_naming_the_layer() {
    let e = SpaceSpec::builder("s", vec![7, 1])
        .layer(LayerSpec::upsampling1d("up", 1 << 62))
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("up") && e.contains("overflows"), "{e}");
    let e = SpaceSpec::builder("s", vec![7, 1])
        .layer(LayerSpec::zero_padding1d("pad", [usize::MAX, 0]))
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("pad") && e.contains("overflows"), "{e}");
}

#[test]
fn networks_a_space_cannot_express_are_named() {
    use hwnas_core::ir::{Conv2D, Layer, Network, Op, Pool2D};
    use hwnas_core::search::{Around, space_around};
    let t = "ap_fixed<16,6>".parse().unwrap();
    let strided_pool = Network::new("n", vec![8, 8, 2], t).with_layer(Layer::new(
        "pool",
        Op::MaxPool2D(Pool2D {
            pool: [2, 2],
            stride: Some([1, 1]),
            padding: Padding::Valid,
        }),
    ));
    let oblong = Network::new("n", vec![8, 8, 2], t).with_layer(Layer::new(
        "conv",
        Op::Conv2D(Conv2D {
            filters: 4,
            kernel: [3, 1],
            stride: [1, 1],
            padding: Padding::Same,
            use_bias: true,
        }),
    ));
    for (net, want) in [
        (
            strided_pool,
            "layer `pool`: pool stride or padding; the supernet cannot express it",
        ),
        (
            oblong,
            "layer `conv`: non-square stride or kernel; the supernet cannot express it",
        ),
    ] {
        let err = space_around(&net, &Around::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{err}");
    }
}
