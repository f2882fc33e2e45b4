//! Timing for the benchmarks: the median of several rounds, and durations as people read them.

use std::time::{Duration, Instant};

/// The median of `rounds` runs of `f`; `f` may return its own measured time.
pub fn median<T: Into<Measured>>(rounds: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            match f().into() {
                Measured::Whole => started.elapsed(),
                Measured::Own(d) => d,
            }
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// What a measured closure returns: nothing (time all of it) or the time of its own part.
pub enum Measured {
    Whole,
    Own(Duration),
}

impl From<()> for Measured {
    fn from(_: ()) -> Measured {
        Measured::Whole
    }
}

impl From<Duration> for Measured {
    fn from(d: Duration) -> Measured {
        Measured::Own(d)
    }
}

pub fn show(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{} µs", d.as_micros())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}
