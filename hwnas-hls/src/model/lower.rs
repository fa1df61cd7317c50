//! Lowering a `Network` to a [`QNetwork`]: BatchNorm fusion, quantisation, checks.

use hwnas_core::ir::Network;

use super::{QLayer, QNetwork};
use crate::layers::{self, Casts, LowerCx, check_const_type};
use crate::{Error, Result};

impl QNetwork {
    /// Lowers `net` (which must carry weights): validates it, fuses each BatchNorm that follows
    /// a Dense/Conv layer, quantises every weight and bias to its type and checks every cast
    /// the firmware will perform (see the [module docs](super)).
    ///
    /// # Errors
    /// [`Error::Core`] when the network is invalid, [`Error::Input`] when it has parameters but no
    /// weights,
    /// [`Error::Unsupported`] naming the layer when a type cannot be used (constants wider than
    /// 53 bits, a cast that trips the `ap_types` debug assertion, a BatchNorm variance that is
    /// not positive, ...).
    pub fn from_network(net: &Network) -> Result<QNetwork> {
        let analysis = net.analyze()?;
        // A network of parameter-free layers only (a ReLU, a pooling) needs no weights file.
        if !net.has_weights() && analysis.total_params() > 0 {
            return Err(Error::Input(format!(
                "network `{}` has no weights (an architecture-only document); give it a \
                 safetensors file (`weights` key, see docs/ir.md) before emitting or emulating it",
                net.name
            )));
        }
        check_const_type(usize::MAX, "input", "input", &net.input_type)?;
        let mut layers: Vec<QLayer> = Vec::with_capacity(net.layers.len());
        let mut i = 0;
        while i < net.layers.len() {
            let layer = &net.layers[i];
            let info = &analysis.layers[i];
            let fail = |reason: String| Error::Unsupported {
                index: i,
                layer: layer.name.clone(),
                kind: layer.op.kind().into(),
                reason,
            };
            let next_bn = net.batchnorm_is_fused(i + 1).then(|| &net.layers[i + 1]);
            let ty = &info.types;
            let op = layers::lower(&LowerCx {
                net,
                layer,
                info,
                index: i,
                next_bn,
            })?;
            let (result, output_shape, fused, consumed) = match next_bn {
                Some(bn) => {
                    let bn_info = &analysis.layers[i + 1];
                    (
                        bn_info.types.result,
                        bn_info.output_shape.clone(),
                        vec![bn.name.clone()],
                        2,
                    )
                }
                None => (ty.result, info.output_shape.clone(), Vec::new(), 1),
            };
            let q = QLayer {
                name: layer.name.clone(),
                fused,
                ir_index: i,
                op,
                input_shape: info.input_shape.clone(),
                output_shape,
                input: ty.input,
                result,
                hls: layer.hls,
            };
            q.op.imp().check_casts(&q, &Casts).map_err(fail)?;
            layers.push(q);
            i += consumed;
        }
        Ok(QNetwork {
            name: net.name.clone(),
            input_shape: net.input_shape.clone(),
            input_type: net.input_type,
            layers,
        })
    }
}
