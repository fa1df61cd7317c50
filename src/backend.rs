//! The burn backends hwnas runs on.
//!
//! The CPU backend ([`Cpu`], burn's `flex`, built with its threads and SIMD kernels) is always
//! available. With the cargo feature `cuda`, `Cuda` is burn's CUDA backend; it builds without a
//! CUDA toolkit because libcuda and NVRTC are loaded at run time. burn panics in a worker thread when that load fails, so check
//! [`cuda_driver_available`] before choosing a CUDA device.

pub use hwnas_core::backend::{Kernels, TrainBackend};

/// burn's CPU backend (`flex`), the default.
pub type Cpu = burn::backend::Flex;

/// [`Cpu`] with automatic differentiation, for training.
pub type CpuAutodiff = burn::backend::Autodiff<Cpu>;

/// burn's CUDA backend (cargo feature `cuda`).
#[cfg(feature = "cuda")]
pub type Cuda = burn::backend::Cuda;

/// [`Cuda`] with automatic differentiation (cargo feature `cuda`).
#[cfg(feature = "cuda")]
pub type CudaAutodiff = burn::backend::Autodiff<Cuda>;

/// Whether the NVIDIA driver library (`libcuda`) can be loaded on this machine.
///
/// This does not need a CUDA toolkit and never panics: it only tries to open the library.
///
/// ```
/// // On a machine without an NVIDIA driver this is simply `false`.
/// let _ = hwnas::backend::cuda_driver_available();
/// ```
pub fn cuda_driver_available() -> bool {
    const NAMES: [&str; 3] = ["libcuda.so.1", "libcuda.so", "nvcuda.dll"];
    NAMES.iter().any(|name| {
        // SAFETY: loading libcuda runs its initialisers, which have no preconditions; the
        // library is dropped (unloaded) immediately and no symbol from it is called.
        unsafe { libloading::Library::new(name) }.is_ok()
    })
}
