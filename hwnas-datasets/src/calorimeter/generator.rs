//! The generator: validated configuration + seed → events, in memory (parallel, deterministic)
//! or streamed in chunks.

use std::ops::Range;

use super::config::CalorimeterConfig;
use super::dataset::Dataset;
use super::detector::Readout;
use super::event::{Event, simulate};
use crate::{Error, Result};

/// Which split of the configured train / validation / test sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Indices `0 .. train`.
    Train,
    /// The next `val` indices.
    Val,
    /// The next `test` indices.
    Test,
}

/// Generates calorimeter events from a validated [`CalorimeterConfig`] and a seed.
///
/// Event `i` depends only on `(config, seed, i)`: it has its own random streams, so any event
/// can be regenerated alone and results do not depend on the number of threads or on chunking.
#[derive(Debug, Clone)]
pub struct Generator {
    config: CalorimeterConfig,
    seed: u64,
    readout: Readout,
}

impl Generator {
    /// Validates `config` and builds a generator for data-set `seed`.
    ///
    /// # Errors
    /// [`Error::InvalidDataset`] naming the bad field.
    pub fn new(config: CalorimeterConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let readout = Readout::new(&config.grid);
        Ok(Self {
            config,
            seed,
            readout,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &CalorimeterConfig {
        &self.config
    }

    /// The data-set seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Image shape, channels last: `[n_eta, n_phi, 4]`.
    pub fn image_shape(&self) -> [usize; 3] {
        self.config.image_shape()
    }

    /// The global index range of a split.
    pub fn split_range(&self, split: Split) -> Range<u64> {
        let s = &self.config.splits;
        match split {
            Split::Train => 0..s.train,
            Split::Val => s.train..s.train + s.val,
            Split::Test => s.train + s.val..s.train + s.val + s.test,
        }
    }

    /// Event `index`, generated alone.
    pub fn event(&self, index: u64) -> Event {
        let mut image = vec![0f32; self.config.image_len()];
        let truth = simulate(&self.config, &self.readout, self.seed, index, &mut image);
        Event {
            index,
            image,
            target: truth.energy as f32,
            truth,
        }
    }

    /// The events of `range`, one at a time (sequential, nothing held).
    pub fn events(&self, range: Range<u64>) -> impl Iterator<Item = Event> + '_ {
        range.map(move |i| self.event(i))
    }

    /// Generates the events of `range` into memory on `threads` threads (0 = all cores).
    /// The result is identical for every thread count.
    ///
    /// # Errors
    /// [`Error::InvalidDataset`] if the images would not fit in addressable memory.
    pub fn generate(&self, range: Range<u64>, threads: usize) -> Result<Dataset> {
        let n = usize::try_from(range.end.saturating_sub(range.start)).map_err(|_| too_many())?;
        let len = self.config.image_len();
        let total = n.checked_mul(len).ok_or_else(too_many)?;
        let mut images = vec![0f32; total];
        let mut truth = Vec::with_capacity(n);
        let threads = resolve_threads(threads).min(n.max(1));
        let per_thread = n.div_ceil(threads).max(1);
        let parts: Vec<Vec<_>> = std::thread::scope(|scope| {
            let handles: Vec<_> = images
                .chunks_mut(per_thread * len)
                .enumerate()
                .map(|(t, chunk)| {
                    let first = range.start + (t * per_thread) as u64;
                    scope.spawn(move || {
                        chunk
                            .chunks_mut(len)
                            .enumerate()
                            .map(|(k, image)| {
                                simulate(
                                    &self.config,
                                    &self.readout,
                                    self.seed,
                                    first + k as u64,
                                    image,
                                )
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for p in parts {
            truth.extend(p);
        }
        Ok(Dataset::from_parts(
            self.image_shape(),
            range.start,
            images,
            truth,
        ))
    }

    /// Generates a whole split into memory (see [`Generator::generate`]).
    ///
    /// # Errors
    /// As [`Generator::generate`].
    pub fn split(&self, split: Split, threads: usize) -> Result<Dataset> {
        self.generate(self.split_range(split), threads)
    }

    /// Streams `range` as consecutive in-memory chunks of at most `chunk_size` events, each
    /// generated on `threads` threads (0 = all cores); only one chunk is alive at a time.
    /// Concatenating the chunks gives exactly [`Generator::generate`] of the same range.
    ///
    /// # Errors
    /// [`Error::InvalidDataset`] if `chunk_size` is 0.
    pub fn chunks(
        &self,
        range: Range<u64>,
        chunk_size: usize,
        threads: usize,
    ) -> Result<Chunks<'_>> {
        if chunk_size == 0 {
            return Err(Error::InvalidDataset {
                field: "chunk_size".into(),
                reason: "is 0; use at least 1 event per chunk (e.g. 4096)".into(),
            });
        }
        if chunk_size.checked_mul(self.config.image_len()).is_none() {
            return Err(Error::InvalidDataset {
                field: "chunk_size".into(),
                reason: format!("is {chunk_size}; a chunk must fit in memory (e.g. 4096)"),
            });
        }
        Ok(Chunks {
            generator: self,
            next: range.start,
            end: range.end,
            chunk_size: chunk_size as u64,
            threads,
        })
    }
}

/// Iterator over consecutive chunks of a range of events (see [`Generator::chunks`]).
#[derive(Debug)]
pub struct Chunks<'a> {
    generator: &'a Generator,
    next: u64,
    end: u64,
    chunk_size: u64,
    threads: usize,
}

impl Iterator for Chunks<'_> {
    type Item = Dataset;

    fn next(&mut self) -> Option<Dataset> {
        if self.next >= self.end {
            return None;
        }
        let stop = self.next.saturating_add(self.chunk_size).min(self.end);
        let range = self.next..stop;
        self.next = stop;
        // A chunk of at most `chunk_size` (a usize) events always fits the length check.
        self.generator.generate(range, self.threads).ok()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.end.saturating_sub(self.next)).div_ceil(self.chunk_size);
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        (n, Some(n))
    }
}

fn resolve_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

fn too_many() -> Error {
    Error::InvalidDataset {
        field: "range".into(),
        reason: "holds more events than fit in memory; stream it with Generator::chunks".into(),
    }
}
