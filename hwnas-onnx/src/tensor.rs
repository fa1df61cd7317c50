//! Constants (initializers, `Constant` nodes) and node attributes, decoded from their protobuf
//! form.

use crate::proto::{AttributeProto, NodeProto, TensorProto, attribute_type, data_type};

/// A constant tensor: its dimensions and its values (exact for every integer a shape holds).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Const {
    /// Dimensions (empty for a scalar).
    pub dims: Vec<usize>,
    /// Values in row-major order.
    pub data: Vec<f64>,
}

impl Const {
    /// Decodes a tensor of a float or integer type, from its typed fields or `raw_data`.
    pub(crate) fn from_proto(t: &TensorProto) -> Result<Const, String> {
        let dims = t
            .dims
            .iter()
            .map(|&d| usize::try_from(d).map_err(|_| format!("dimension {d} is negative")))
            .collect::<Result<Vec<_>, _>>()?;
        let n: usize = dims.iter().product();
        let raw = &t.raw_data;
        let data: Vec<f64> = match t.data_type {
            data_type::FLOAT if raw.is_empty() => t.float_data.iter().map(|&v| v as f64).collect(),
            data_type::FLOAT => chunks::<4>(raw)
                .map(|b| f32::from_le_bytes(b) as f64)
                .collect(),
            data_type::DOUBLE if raw.is_empty() => t.double_data.clone(),
            data_type::DOUBLE => chunks::<8>(raw).map(f64::from_le_bytes).collect(),
            data_type::INT64 if raw.is_empty() => t.int64_data.iter().map(|&v| v as f64).collect(),
            data_type::INT64 => chunks::<8>(raw)
                .map(|b| i64::from_le_bytes(b) as f64)
                .collect(),
            data_type::INT32 if raw.is_empty() => t.int32_data.iter().map(|&v| v as f64).collect(),
            data_type::INT32 => chunks::<4>(raw)
                .map(|b| i32::from_le_bytes(b) as f64)
                .collect(),
            other => {
                return Err(format!(
                    "tensor `{}` has ONNX data type {other}; hwnas reads float, double, int32 \
                     and int64 tensors",
                    t.name
                ));
            }
        };
        if data.len() != n {
            return Err(format!(
                "tensor `{}` holds {} values for dimensions {dims:?} ({n} expected)",
                t.name,
                data.len()
            ));
        }
        Ok(Const { dims, data })
    }

    /// A float tensor named `name` holding these values (little-endian `raw_data`).
    pub(crate) fn to_proto(name: &str, dims: &[usize], data: &[f32]) -> TensorProto {
        TensorProto {
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type: data_type::FLOAT,
            name: name.into(),
            raw_data: data.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ..Default::default()
        }
    }

    /// An int64 tensor named `name`.
    pub(crate) fn int64_proto(name: &str, data: &[i64]) -> TensorProto {
        TensorProto {
            dims: vec![data.len() as i64],
            data_type: data_type::INT64,
            name: name.into(),
            int64_data: data.to_vec(),
            ..Default::default()
        }
    }

    /// The single value of a scalar (or one-element) constant.
    pub(crate) fn scalar(&self) -> Option<f64> {
        (self.data.len() == 1).then(|| self.data[0])
    }

    /// The values as `f32`.
    pub(crate) fn to_f32(&self) -> Vec<f32> {
        self.data.iter().map(|&v| v as f32).collect()
    }
}

fn chunks<const N: usize>(raw: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
    raw.chunks_exact(N)
        .map(|c| c.try_into().expect("chunks_exact gives N bytes"))
}

/// The attributes of one node.
pub(crate) struct Attrs<'a>(pub &'a NodeProto);

impl<'a> Attrs<'a> {
    fn get(&self, name: &str) -> Option<&'a AttributeProto> {
        self.0.attribute.iter().find(|a| a.name == name)
    }

    /// An integer attribute.
    pub(crate) fn int(&self, name: &str, default: i64) -> i64 {
        self.get(name).map_or(default, |a| a.i)
    }

    /// A float attribute.
    pub(crate) fn float(&self, name: &str, default: f32) -> f32 {
        self.get(name).map_or(default, |a| a.f)
    }

    /// A float attribute as the decimal number it prints as (ONNX stores `f32`: an `alpha` of
    /// 0.1 reads back as 0.1, not 0.10000000149011612).
    pub(crate) fn decimal(&self, name: &str, default: f64) -> f64 {
        self.get(name).map_or(default, |a| {
            a.f.to_string()
                .parse()
                .expect("a printed f32 parses as f64")
        })
    }

    /// A list of integers (`None` when absent).
    pub(crate) fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.get(name).map(|a| a.ints.clone())
    }

    /// A string attribute.
    pub(crate) fn string(&self, name: &str, default: &str) -> String {
        self.get(name).map_or(default.to_string(), |a| {
            String::from_utf8_lossy(&a.s).into_owned()
        })
    }

    /// A tensor attribute (the value of a `Constant` node).
    pub(crate) fn tensor(&self, name: &str) -> Option<&'a TensorProto> {
        self.get(name).and_then(|a| a.t.as_ref())
    }
}

/// Builders of attributes for the export.
pub(crate) fn attr_int(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        i,
        r#type: attribute_type::INT,
        ..Default::default()
    }
}

/// A float attribute.
pub(crate) fn attr_float(name: &str, f: f32) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        f,
        r#type: attribute_type::FLOAT,
        ..Default::default()
    }
}

/// A list-of-integers attribute.
pub(crate) fn attr_ints(name: &str, ints: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        ints: ints.to_vec(),
        r#type: attribute_type::INTS,
        ..Default::default()
    }
}

/// A string attribute.
pub(crate) fn attr_string(name: &str, s: &str) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        s: s.as_bytes().to_vec(),
        r#type: attribute_type::STRING,
        ..Default::default()
    }
}
