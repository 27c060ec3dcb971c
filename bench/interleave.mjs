// Shared by the in-process benches: time two functions fairly against each other.

/** The median of a list of numbers. */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds one call of fn takes. */
export const time = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

/**
 * Warms both up, interleaved (so the JIT sees each before anything is measured), then times
 * `runs` calls of each, alternating which goes first so that GC debt from one does not always
 * land on the other. Returns both lists of times in ms.
 */
export function interleaved(ours, theirs, runs, warmup = 10) {
  for (let i = 0; i < warmup; i++) {
    ours();
    theirs();
  }
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      a.push(time(ours));
      b.push(time(theirs));
    } else {
      b.push(time(theirs));
      a.push(time(ours));
    }
  }
  return { a, b };
}
