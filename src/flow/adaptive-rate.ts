import type { RateLimitInfo } from '../provider';

export interface AdaptiveRateOptions {
  /** Highest rate (requests per minute): PROVIDER_RATE_LIMIT x (1 - PROVIDER_RATE_RESERVE). */
  maxPerMinute: number;
  /** Lowest rate it backs off to; default max / 20, at least 1. */
  minPerMinute?: number;
  /** X-RateLimit-Remaining below this share of the limit counts as "running low"; default 0.1. */
  lowRemainingShare?: number;
  /** Quiet time after a slow-down before each recovery step; default 10 s. */
  recoveryStepMs?: number;
  now?: () => number;
}

/**
 * The provider budget's rate, adapted to what the panel says (AIMD): a 429 halves it (and holds it until the
 * panel's Retry-After has passed), X-RateLimit-Remaining running low cuts it by a fifth (at most once per
 * recovery step), and every quiet recovery step gives back a tenth of the maximum until it is reached again.
 */
export class AdaptiveRate {
  private rate: number;
  private lastSlowdown = -Infinity;
  private holdUntil = -Infinity;
  readonly max: number;
  readonly min: number;
  private readonly lowShare: number;
  private readonly stepMs: number;
  private readonly now: () => number;
  lastInfo: RateLimitInfo | null = null;
  lastRateLimitedAt: number | null = null;

  constructor(options: AdaptiveRateOptions) {
    this.max = Math.max(1, options.maxPerMinute);
    this.min = Math.min(this.max, Math.max(1, options.minPerMinute ?? this.max / 20));
    this.lowShare = options.lowRemainingShare ?? 0.1;
    this.stepMs = options.recoveryStepMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.rate = this.max;
  }

  /** The rate to run at `now` (requests per minute): the minimum while a 429 holds, then recovering step by step. */
  rateAt(now = this.now()): number {
    if (now < this.holdUntil) return this.min;
    if (this.rate >= this.max) return this.rate;
    const steps = Math.floor((now - Math.max(this.lastSlowdown, this.holdUntil)) / this.stepMs);
    return steps > 0 ? Math.min(this.max, this.rate + steps * this.max * 0.1) : this.rate;
  }

  /** Headers of a panel response (onRateLimit). */
  observe(info: RateLimitInfo): void {
    this.lastInfo = info;
    if (info.limit > 0 && info.remaining < info.limit * this.lowShare) this.slowDown(0.8);
  }

  /** Until when the panel refuses calls (its Retry-After after a 429), or 0. */
  heldUntil(): number {
    return this.holdUntil > this.now() ? this.holdUntil : 0;
  }

  /** A 429: run at the minimum until the panel's window resets, then at half the rate before it. */
  rateLimited(retryAfterMs?: number): void {
    const now = this.now();
    this.lastRateLimitedAt = now;
    this.slowDown(0.5, true);
    this.holdUntil = Math.max(this.holdUntil, now + (retryAfterMs ?? this.stepMs));
  }

  private slowDown(factor: number, force = false): void {
    const now = this.now();
    if (now - this.lastSlowdown < (force ? 1000 : this.stepMs)) return;
    const base = now >= this.holdUntil ? this.rateAt(now) : this.rate;
    this.rate = Math.max(this.min, base * factor);
    this.lastSlowdown = now;
  }
}
