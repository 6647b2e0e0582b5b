/** A seedable pseudo-random source (mulberry32) returning floats in [0, 1). */
export interface Rng {
  next(): number;
  reseed(seed: number): void;
}

export function createRng(seed: number = Math.floor(Math.random() * 2 ** 32)): Rng {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    reseed(next: number) {
      state = next >>> 0;
    },
  };
}
