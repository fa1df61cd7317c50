//! Unit tests of the supernet's forward paths (they reach its internal probabilities).

use burn::tensor::{Tensor, TensorData};

use super::{Ctx, Probs, Supernet, to_vec};
use crate::rng::{Random, SplitMix64};
use crate::space::{LayerSpec, SpaceSpec};

type B = burn::backend::Autodiff<burn::backend::Flex>;

const TOL: f32 = 1e-4;

/// The soft path (kernel and width masks over the largest tensors, as during the search) must
/// compute what the hard path (sliced sub-kernels) computes when the probabilities are one-hot,
/// also with strides and uneven `same` padding. Oracle: the hard path; tolerance 1e-4.
#[test]
fn soft_masks_equal_sliced_kernels_with_strides() {
    let space = SpaceSpec::builder("soft", vec![7, 8, 2])
        .layer(LayerSpec::conv2d("conv1", &[2, 3], &[1, 3, 5]).stride(2))
        .layer(LayerSpec::upsampling2d("up", [2, 1]))
        .layer(LayerSpec::zero_padding2d("pad", [0, 1, 1, 0]))
        .layer(LayerSpec::conv2d("conv2", &[2], &[3, 5]).stride(3))
        .build();
    // Kernel 1 pads nothing on the width of 8 with stride 2 while kernel 5 does.
    let e = space.unwrap_err().to_string();
    assert!(
        e.contains("the kernel 1 needs no padding on the width of 8"),
        "{e}"
    );
    // Height 8, stride 2: `same` pads (0, 1) for kernel 3 and (1, 2) for kernel 5.
    let space = SpaceSpec::builder("soft", vec![8, 9, 2])
        .layer(LayerSpec::conv2d("conv1", &[2, 3], &[3, 5]).stride(2))
        .layer(LayerSpec::upsampling2d("up", [2, 1]))
        .layer(LayerSpec::zero_padding2d("pad", [0, 1, 1, 0]))
        .layer(LayerSpec::conv2d("conv2", &[2], &[3, 5]).stride(3))
        .build()
        .unwrap();
    assert_eq!(space.layer_shapes().unwrap()[3].output, [3, 2, 2]);
    let net = Supernet::<B>::new(&space, &Default::default(), 23).unwrap();
    let f: usize = space.input_shape.iter().product();
    let mut rng = SplitMix64::new(29);
    let x: Vec<f32> = (0..2 * f).map(|_| rng.normal() as f32).collect();
    let x = || Tensor::<B, 2>::from_data(TensorData::new(x.clone(), [2, f]), &Default::default());
    let bound = net.store.bind(&[]);
    for idx in [vec![0, 0, 0], vec![1, 1, 1], vec![0, 1, 0], vec![1, 0, 1]] {
        let hard = net.probs_fixed(&idx);
        let soft: Vec<Probs<B>> = hard
            .iter()
            .map(|p| Probs {
                t: p.t.clone(),
                hot: None,
            })
            .collect();
        let mut ctx = Ctx::new(false, space.layers.len());
        let a = to_vec(net.forward(&bound, x(), &hard, &mut ctx));
        let b = to_vec(net.forward(&bound, x(), &soft, &mut ctx));
        assert_eq!(a.len(), b.len());
        for (p, q) in a.iter().zip(&b) {
            assert!((p - q).abs() < TOL, "{idx:?}: {p} vs {q}");
        }
    }
}
