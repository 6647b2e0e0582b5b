import type { BreakerState, BreakerView } from '../workflows/flow-contract';

export interface BreakerOptions {
  /** Consecutive transient failures that open the breaker; default 5. */
  failureThreshold?: number;
  /** First open period; doubled after each failed probe up to `maxOpenMs`. Defaults 5 s and 2 min. */
  openMs?: number;
  maxOpenMs?: number;
  now?: () => number;
}

/** May a call go through now: `probe` marks the single half-open trial call whose outcome closes or reopens it. */
export type Admission = { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number };

/**
 * A circuit breaker: closed until `failureThreshold` consecutive transient failures, then open (calls refused) for
 * an open period; after it one probe call is let through (half-open). A success closes it, a failure reopens it
 * for twice as long. Only transient failures count (timeouts, 5xx, network); answers such as 404 or 422 prove the
 * panel works and count as successes.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt: number | null = null;
  private retryAt = 0;
  private openMs: number;
  private probing = false;
  private readonly threshold: number;
  private readonly baseOpenMs: number;
  private readonly maxOpenMs: number;
  private readonly now: () => number;

  constructor(
    readonly scope: BreakerView['scope'],
    readonly nodeId: number | null,
    options: BreakerOptions = {},
  ) {
    this.threshold = options.failureThreshold ?? 5;
    this.baseOpenMs = options.openMs ?? 5_000;
    this.maxOpenMs = options.maxOpenMs ?? 120_000;
    this.openMs = this.baseOpenMs;
    this.now = options.now ?? Date.now;
  }

  admit(): Admission {
    if (this.state === 'closed') return { allowed: true, probe: false };
    const now = this.now();
    if (now < this.retryAt || this.probing) return { allowed: false, retryAfterMs: Math.max(250, this.retryAt - now) };
    this.state = 'half_open';
    this.probing = true;
    return { allowed: true, probe: true };
  }

  /** The outcome of an admitted call (`probe` as admit returned it). */
  record(ok: boolean, probe = false): void {
    if (probe) this.probing = false;
    if (ok) {
      if (this.state !== 'closed' && !probe) return;
      this.state = 'closed';
      this.failures = 0;
      this.openedAt = null;
      this.openMs = this.baseOpenMs;
      return;
    }
    this.failures += 1;
    if (probe) {
      this.openMs = Math.min(this.maxOpenMs, this.openMs * 2);
      this.open();
    } else if (this.state === 'closed' && this.failures >= this.threshold) {
      this.open();
    }
  }

  /** The admitted probe was never made: the next caller may probe instead. */
  cancelProbe(): void {
    this.probing = false;
  }

  /** Lets a probe through at once (e.g. after an operator fixed the panel); the breaker stays open until it succeeds. */
  expire(): void {
    if (this.state === 'open') this.retryAt = this.now();
  }

  /** How long the breaker still refuses calls, in ms; null when closed or when a probe may go now. */
  refusingForMs(): number | null {
    if (this.state === 'closed') return null;
    const left = this.retryAt - this.now();
    return left > 0 ? left : null;
  }

  get current(): BreakerState {
    return this.state === 'open' && this.now() >= this.retryAt ? 'half_open' : this.state;
  }

  view(): BreakerView {
    return {
      scope: this.scope,
      nodeId: this.nodeId,
      state: this.current,
      failures: this.failures,
      openedAt: this.openedAt === null ? null : new Date(this.openedAt).toISOString(),
      retryAt: this.state === 'closed' ? null : new Date(this.retryAt).toISOString(),
    };
  }

  private open(): void {
    const now = this.now();
    this.state = 'open';
    this.openedAt ??= now;
    this.retryAt = now + this.openMs;
  }
}

/** The panel's breaker and one per node, shared by every worker of a process. */
export class Breakers {
  readonly panel: CircuitBreaker;
  private readonly nodes = new Map<number, CircuitBreaker>();

  constructor(private readonly options: BreakerOptions = {}) {
    this.panel = new CircuitBreaker('panel', null, options);
  }

  node(nodeId: number): CircuitBreaker {
    let breaker = this.nodes.get(nodeId);
    if (!breaker) {
      breaker = new CircuitBreaker('node', nodeId, this.options);
      this.nodes.set(nodeId, breaker);
    }
    return breaker;
  }

  /** True when the node's breaker refuses calls now (allocate then avoids the node). */
  nodeBlocked(nodeId: number): boolean {
    return this.nodes.get(nodeId)?.current === 'open';
  }

  views(): BreakerView[] {
    return [this.panel.view(), ...[...this.nodes.values()].map((b) => b.view())];
  }
}
