//! The user's objective over [`Resources`] and budgets on it.

use std::fmt;
use std::sync::Arc;

use crate::cost::Resources;

/// A scalar objective over resources: any closure, a weighted sum (`lut + 55 * dsp`) or the
/// largest fraction of a device's capacity.
///
/// ```
/// use hwnas_core::cost::Resources;
/// use hwnas_core::search::Metric;
///
/// let r = Resources { lut: 1000.0, dsp: 10.0, ..Default::default() };
/// let m = Metric::weighted(&[("lut", 1.0), ("dsp", 55.0)])?;
/// assert_eq!(m.eval(&r), 1550.0);
/// let dev = Metric::device_fraction(Resources { lut: 10000.0, dsp: 100.0, ..Default::default() });
/// assert_eq!(dev.eval(&r), 0.1);
/// let custom = Metric::closure("lut^2", |r| r.lut * r.lut);
/// assert_eq!(custom.eval(&r), 1e6);
/// # Ok::<(), hwnas_core::Error>(())
/// ```
#[derive(Clone)]
pub enum Metric {
    /// `sum_k w_k * r_k` over the fields of [`Resources::to_array`].
    Weighted([f64; 7]),
    /// `max_k r_k / capacity_k` over the fields with a positive capacity.
    DeviceFraction(Resources),
    /// Any function (differentiated by central finite differences).
    Closure {
        /// Shown in progress bars and errors.
        name: String,
        /// The function.
        f: Arc<dyn Fn(&Resources) -> f64 + Send + Sync>,
    },
}

impl fmt::Debug for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Metric({self})")
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Metric::Weighted(w) => {
                let parts: Vec<String> = w
                    .iter()
                    .zip(Resources::FIELDS)
                    .filter(|(w, _)| **w != 0.0)
                    .map(|(w, n)| {
                        if *w == 1.0 {
                            n.to_string()
                        } else {
                            format!("{w}*{n}")
                        }
                    })
                    .collect();
                f.write_str(&parts.join(" + "))
            }
            Metric::DeviceFraction(_) => f.write_str("device fraction"),
            Metric::Closure { name, .. } => f.write_str(name),
        }
    }
}

impl Metric {
    /// A weighted sum of named fields (`lut`, `ff`, `bram18`, `dsp`, `uram`, `latency_cycles`,
    /// `ii`).
    ///
    /// # Errors
    /// [`crate::Error::Search`] for an unknown field name.
    pub fn weighted(terms: &[(&str, f64)]) -> crate::Result<Self> {
        let mut w = [0.0; 7];
        for (name, k) in terms {
            let i = Resources::FIELDS
                .iter()
                .position(|f| f == name)
                .ok_or_else(|| {
                    crate::Error::Search(format!(
                        "unknown resource `{name}`; use one of {}",
                        Resources::FIELDS.join(", ")
                    ))
                })?;
            w[i] += k;
        }
        Ok(Metric::Weighted(w))
    }

    /// One field (`Metric::field("dsp")` for a DSP budget).
    ///
    /// # Errors
    /// As [`Metric::weighted`].
    pub fn field(name: &str) -> crate::Result<Self> {
        Self::weighted(&[(name, 1.0)])
    }

    /// The latency in nanoseconds at a clock period of `clock_ns` (the HLS configuration's):
    /// `latency_cycles * clock_ns`.
    ///
    /// ```
    /// use hwnas_core::cost::Resources;
    /// use hwnas_core::search::Metric;
    ///
    /// let r = Resources { latency_cycles: 40.0, ..Default::default() };
    /// assert_eq!(Metric::latency_ns(5.0)?.eval(&r), 200.0);
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::Search`] when `clock_ns` is not a positive period.
    pub fn latency_ns(clock_ns: f64) -> crate::Result<Self> {
        if !(clock_ns.is_finite() && clock_ns > 0.0) {
            return Err(crate::Error::Search(format!(
                "clock period {clock_ns} ns is not a period; give the HLS configuration's clock \
                 in ns, e.g. 5"
            )));
        }
        Self::weighted(&[("latency_cycles", clock_ns)])
    }

    /// The largest fraction of `capacity` used.
    pub fn device_fraction(capacity: Resources) -> Self {
        Metric::DeviceFraction(capacity)
    }

    /// Any function of the resources.
    pub fn closure(name: &str, f: impl Fn(&Resources) -> f64 + Send + Sync + 'static) -> Self {
        Metric::Closure {
            name: name.into(),
            f: Arc::new(f),
        }
    }

    /// The metric's value.
    pub fn eval(&self, r: &Resources) -> f64 {
        match self {
            Metric::Weighted(w) => r.to_array().iter().zip(w).map(|(a, b)| a * b).sum(),
            Metric::DeviceFraction(cap) => r
                .to_array()
                .iter()
                .zip(cap.to_array())
                .filter(|(_, c)| *c > 0.0)
                .map(|(v, c)| v / c)
                .fold(0.0, f64::max),
            Metric::Closure { f, .. } => f(r),
        }
    }

    /// The gradient with respect to the fields of `r` (exact for weighted sums, central
    /// differences otherwise).
    pub fn gradient(&self, r: &Resources) -> [f64; 7] {
        if let Metric::Weighted(w) = self {
            return *w;
        }
        let a = r.to_array();
        std::array::from_fn(|k| {
            let h = 1e-4 * a[k].abs().max(1.0);
            let (mut lo, mut hi) = (a, a);
            lo[k] -= h;
            hi[k] += h;
            (self.eval(&Resources::from_array(hi)) - self.eval(&Resources::from_array(lo)))
                / (2.0 * h)
        })
    }
}

/// An upper limit on a metric (`dsp <= 500`), enforced during the search by an
/// augmented-Lagrangian term whose multiplier is updated every epoch.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Name shown in messages (`"dsp"`).
    pub name: String,
    /// What is limited.
    pub metric: Metric,
    /// The limit.
    pub limit: f64,
}

impl Budget {
    /// `metric <= limit`.
    pub fn new(name: &str, metric: Metric, limit: f64) -> Self {
        Budget {
            name: name.into(),
            metric,
            limit,
        }
    }

    /// A limit on one resource field (`Budget::max("dsp", 500.0)`).
    ///
    /// # Errors
    /// As [`Metric::field`].
    pub fn max(field: &str, limit: f64) -> crate::Result<Self> {
        Ok(Self::new(field, Metric::field(field)?, limit))
    }

    /// A latency limit in nanoseconds at a clock period of `clock_ns` (a Level-1 trigger's
    /// few hundred ns): `latency_cycles * clock_ns <= limit_ns`.
    ///
    /// ```
    /// use hwnas_core::search::Budget;
    ///
    /// let b = Budget::latency_ns(400.0, 5.0)?;
    /// assert_eq!((b.name.as_str(), b.limit), ("latency_ns", 400.0));
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Metric::latency_ns`].
    pub fn latency_ns(limit_ns: f64, clock_ns: f64) -> crate::Result<Self> {
        Ok(Self::new(
            "latency_ns",
            Metric::latency_ns(clock_ns)?,
            limit_ns,
        ))
    }
}
