//! The search spaces, declared with `#[searchable]`.
//!
//! [`Calo`] is the DeepCalo-like CNN of spec `calorimeter.md` §4.2 with every conv layer's
//! filters and kernel, every layer's weight and result bit-widths, the dense units and the reuse
//! factors left to the search. Its widest, most precise member ([`SearchSpace::baseline`]) is
//! exactly the spec's 28,105-parameter default CNN with 16-bit weights and results.
//!
//! The network input is the cell energies in units of 10 GeV (the largest cells reach about
//! 18), rounded to nearest (`AP_RND_CONV`: the default truncation would bias every noisy cell
//! downwards). The regression output keeps at least 8 weight bits and a 16-bit result: the
//! correction factor it predicts needs a fine scale.

use hwnas::prelude::*;

/// The default space (4 × 14 × 7 images).
#[searchable(input = [14, 7, 4], input_type = "ap_fixed<16,6,AP_RND_CONV,AP_SAT>")]
#[derive(Debug, Clone, PartialEq)]
pub struct Calo {
    #[layer(filters = [2, 4, 6, 8], kernel = [1, 3], weight_bits = [4, 6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv1: Conv2D,
    relu1: ReLU,
    #[layer(pool = 2)]
    pool1: MaxPool2D,
    #[layer(filters = [4, 8, 12, 16], kernel = [1, 3], weight_bits = [4, 6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv2: Conv2D,
    relu2: ReLU,
    #[layer(filters = [4, 8, 12, 16], kernel = [1, 3], weight_bits = [4, 6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv3: Conv2D,
    relu3: ReLU,
    #[layer(pool = 2)]
    pool2: MaxPool2D,
    #[layer(filters = [8, 16, 24, 32], kernel = [1, 3], weight_bits = [4, 6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv4: Conv2D,
    relu4: ReLU,
    #[layer(filters = [8, 16, 24, 32], kernel = [1, 3], weight_bits = [4, 6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv5: Conv2D,
    relu5: ReLU,
    flatten: Flatten,
    #[layer(units = [16, 32, 48, 64], weight_bits = [4, 6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    dense1: Dense,
    relu6: ReLU,
    #[layer(units = [16, 32, 48, 64], weight_bits = [4, 6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    dense2: Dense,
    relu7: ReLU,
    #[layer(units = 1, weight_bits = [8, 12, 16], result_bits = 16, reuse = [1, 2, 4])]
    out: Dense,
}

/// The full space (4 × 56 × 11, `--full`): the DeepCalo image-only CNN of spec §1.1 —
/// ×5 upsampling in φ, input BatchNorm, zero padding 2, a 5 × 5 convolution, four blocks of two
/// 3 × 3 convolutions with max pooling between them, BatchNorm and LeakyReLU after every
/// convolution and dense layer, dense 256-256-1 — with every width searchable down to a
/// quarter. Its widest member has DeepCalo's 1,833,745 weights and biases.
#[searchable(input = [56, 11, 4], input_type = "ap_fixed<16,6,AP_RND_CONV,AP_SAT>")]
#[derive(Debug, Clone, PartialEq)]
pub struct CaloFull {
    #[layer(size = (1, 5))]
    upsample: UpSampling2D,
    bn_in: BatchNorm,
    #[layer(filters = [4, 8, 12, 16], kernel = 5, padding = 2, weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv1: Conv2D,
    bn1: BatchNorm,
    act1: LeakyReLU,
    pool1: MaxPool2D,
    #[layer(filters = [8, 16, 24, 32], kernel = [1, 3], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv2: Conv2D,
    bn2: BatchNorm,
    act2: LeakyReLU,
    #[layer(filters = [8, 16, 24, 32], kernel = [1, 3], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv3: Conv2D,
    bn3: BatchNorm,
    act3: LeakyReLU,
    pool2: MaxPool2D,
    #[layer(filters = [16, 32, 48, 64], kernel = [1, 3], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv4: Conv2D,
    bn4: BatchNorm,
    act4: LeakyReLU,
    #[layer(filters = [16, 32, 48, 64], kernel = [1, 3], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv5: Conv2D,
    bn5: BatchNorm,
    act5: LeakyReLU,
    pool3: MaxPool2D,
    #[layer(filters = [32, 64, 96, 128], kernel = [1, 3], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv6: Conv2D,
    bn6: BatchNorm,
    act6: LeakyReLU,
    #[layer(filters = [32, 64, 96, 128], kernel = [1, 3], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv7: Conv2D,
    bn7: BatchNorm,
    act7: LeakyReLU,
    pool4: MaxPool2D,
    #[layer(filters = [64, 128, 192, 256], kernel = [1, 3], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv8: Conv2D,
    bn8: BatchNorm,
    act8: LeakyReLU,
    #[layer(filters = [64, 128, 192, 256], kernel = [1, 3], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    conv9: Conv2D,
    bn9: BatchNorm,
    act9: LeakyReLU,
    flatten: Flatten,
    #[layer(units = [64, 128, 192, 256], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    dense1: Dense,
    bn_dense1: BatchNorm,
    act_dense1: LeakyReLU,
    #[layer(units = [64, 128, 192, 256], weight_bits = [6, 8, 10, 12, 16],
            result_bits = [8, 10, 12, 16], reuse = [1, 2, 4])]
    dense2: Dense,
    bn_dense2: BatchNorm,
    act_dense2: LeakyReLU,
    #[layer(units = 1, weight_bits = [8, 12, 16], result_bits = 16, reuse = [1, 2, 4])]
    out: Dense,
}
