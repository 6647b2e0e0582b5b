import { isProviderError } from '../provider';
import type { AdaptiveRate } from './adaptive-rate';
import type { Breakers, CircuitBreaker } from './breaker';
import type { CallMeter } from './call-meter';
import type { CallPacer, ProviderTaskCalls } from './task-calls';

/** A call refused without reaching the panel because a breaker is open. */
export class CircuitOpenError extends Error {
  constructor(
    readonly scope: 'panel' | 'node',
    readonly nodeId: number | null,
    readonly retryAfterMs: number,
  ) {
    super(
      scope === 'panel'
        ? `the panel's circuit breaker is open; next probe in ${retryAfterMs} ms`
        : `node ${nodeId}'s circuit breaker is open; next probe in ${retryAfterMs} ms`,
    );
    this.name = 'CircuitOpenError';
  }
}

const TRANSIENT = new Set(['unavailable', 'timeout']);
const DAEMON_ERROR = 'DaemonConnectionException';

export interface GateOptions {
  /** Refuse calls while a breaker is open (forward steps); compensations pass `false` and only report outcomes. */
  failFast: boolean;
  /** The node the call acts on, when known: daemon errors then count toward that node's breaker. */
  nodeId?: number;
}

/**
 * Every panel call of a process goes through here: paced to the process's share of the budget (CallPacer), counted
 * toward its provider task (ProviderTaskCalls), refused while a breaker is open (fail fast), otherwise
 * made and its outcome fed to the breakers, the adaptive rate and the meter. A 429 is not a breaker failure: it slows
 * the provider budget down instead (the task queue then dispatches at the minimum until the panel's window resets).
 */
export class CallGate {
  constructor(
    private readonly breakers: Breakers,
    private readonly rate: AdaptiveRate,
    private readonly meter: CallMeter,
    private readonly pacing?: { pacer: CallPacer; tasks: ProviderTaskCalls; ratePerMinute: () => number },
  ) {}

  async run<T>(call: () => Promise<T>, options: GateOptions): Promise<T> {
    if (this.pacing) {
      await this.pacing.pacer.take(this.pacing.ratePerMinute());
      this.pacing.tasks.counted();
    }
    const node = options.nodeId === undefined ? undefined : this.breakers.node(options.nodeId);
    const panelProbe = this.admit(this.breakers.panel, options.failFast);
    const nodeProbe = this.admitNode(node, options.failFast, panelProbe);
    this.meter.call();
    try {
      const result = await call();
      this.breakers.panel.record(true, panelProbe);
      node?.record(true, nodeProbe);
      return result;
    } catch (err) {
      this.recordFailure(err, node, panelProbe, nodeProbe);
      throw err;
    }
  }

  private admitNode(node: CircuitBreaker | undefined, failFast: boolean, panelProbe: boolean): boolean {
    try {
      return node ? this.admit(node, failFast) : false;
    } catch (err) {
      if (panelProbe) this.breakers.panel.cancelProbe();
      throw err;
    }
  }

  private admit(breaker: CircuitBreaker, failFast: boolean): boolean {
    const admission = breaker.admit();
    if (admission.allowed) return admission.probe;
    if (failFast) throw new CircuitOpenError(breaker.scope, breaker.nodeId, admission.retryAfterMs);
    return false;
  }

  private recordFailure(err: unknown, node: CircuitBreaker | undefined, panelProbe: boolean, nodeProbe: boolean): void {
    if (!isProviderError(err)) {
      this.breakers.panel.record(true, panelProbe);
      node?.record(true, nodeProbe);
      return;
    }
    if (err.kind === 'rate_limited') {
      this.meter.rateLimited();
      this.rate.rateLimited(err.retryAfterMs);
    }
    const transient = TRANSIENT.has(err.kind);
    const daemon = transient && err.code === DAEMON_ERROR && node !== undefined;
    this.breakers.panel.record(!transient || daemon, panelProbe);
    node?.record(!daemon, nodeProbe);
  }
}
