import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import { createReservationLedger, type AllocationReservations, type Reservation } from './reservations';
import type { PterodactylClient, RateLimitInfo } from '../provider';
import type { ProcessFlowReport } from '../workflows/flow-contract';
import { AdaptiveRate } from './adaptive-rate';
import { Breakers, type BreakerOptions } from './breaker';
import { CallGate } from './call-gate';
import { CallMeter } from './call-meter';
import { Catalogue, type CatalogueOptions } from './catalogue';
import { guardProvider } from './guarded-provider';
import { InstallWatcher } from './install-watcher';
import { nodeViews } from './node-views';
import { CallPacer, ProviderTaskCalls } from './task-calls';

export interface ProcessFlowOptions {
  /** The panel client, or a factory given the callback to pass as its `onRateLimit` (so the budget sees headers). */
  provider: PterodactylClient | ((onRateLimit: (info: RateLimitInfo) => void) => PterodactylClient);
  /** PROVIDER_RATE_LIMIT (requests per minute, default 240) and PROVIDER_RATE_RESERVE (fraction, default 0.1). */
  limitPerMinute?: number;
  reserve?: number;
  /** Interval of the batched install checks (default 5 s). */
  installPollMs?: number;
  reservations?: AllocationReservations;
  catalogue?: Omit<CatalogueOptions, 'panelRefusingForMs'>;
  breakers?: BreakerOptions;
  /** Reservations older than this are dropped as abandoned; default 15 min. */
  reservationMaxAgeMs?: number;
  /** Capacity checks re-read the node list at most this often per process; default 15 s. */
  capacityRefreshMs?: number;
  /** Quiet time before each step of the budget's recovery after a slow-down; default 10 s. */
  rateRecoveryStepMs?: number;
  /** Lowest rate the budget backs off to (requests per minute); default a twentieth of the maximum. */
  minRatePerMinute?: number;
  logger?: Logger;
}

/**
 * Flow control of one worker process, shared by all its workers and activities: the provider budget's adaptive
 * rate, the circuit breakers, the cached catalogue, the capacity ledger and the batched install watcher. Every panel
 * call goes through `provider` (refused fast while a breaker is open) or `compensationProvider` (never refused).
 */
export class ProcessFlow {
  readonly breakers: Breakers;
  readonly rate: AdaptiveRate;
  readonly meter = new CallMeter();
  /** Counts the panel calls of each provider activity (wrap them with `taskCalls.wrap`). */
  readonly taskCalls = new ProviderTaskCalls();
  readonly gate: CallGate;
  readonly provider: PterodactylClient;
  readonly compensationProvider: PterodactylClient;
  readonly catalogue: Catalogue;
  readonly watcher: InstallWatcher;
  readonly reservations: AllocationReservations;
  readonly limitPerMinute: number;
  readonly reserve: number;
  readonly capacityRefreshMs: number;
  /** Names this process in flow reports. */
  readonly identity = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** The rate and process count the flow-control workflow last gave (see FlowReporter); one process until then. */
  shared = { ratePerMinute: Infinity, processes: 1 };
  private readonly raw: PterodactylClient;
  private foreign: Reservation[] = [];
  private readonly reservationMaxAgeMs: number;
  private markDrained: () => void = () => undefined;
  private readonly drained = new Promise<void>((resolve) => {
    this.markDrained = resolve;
  });

  constructor(options: ProcessFlowOptions) {
    this.limitPerMinute = options.limitPerMinute ?? 240;
    this.reserve = options.reserve ?? 0.1;
    this.rate = new AdaptiveRate({
      maxPerMinute: this.limitPerMinute * (1 - this.reserve),
      minPerMinute: options.minRatePerMinute,
      recoveryStepMs: options.rateRecoveryStepMs,
    });
    this.capacityRefreshMs = options.capacityRefreshMs ?? 15_000;
    this.raw =
      typeof options.provider === 'function' ? options.provider((info) => this.rate.observe(info)) : options.provider;
    this.breakers = new Breakers(options.breakers);
    this.gate = new CallGate(this.breakers, this.rate, this.meter, {
      pacer: new CallPacer(),
      tasks: this.taskCalls,
      ratePerMinute: () => this.processCallRatePerMinute(),
    });
    this.provider = guardProvider(this.raw, this.gate, { failFast: true });
    this.compensationProvider = guardProvider(this.raw, this.gate, { failFast: false });
    this.catalogue = new Catalogue(this.provider, {
      ...options.catalogue,
      panelRefusingForMs: () => this.breakers.panel.refusingForMs(),
    });
    this.watcher = new InstallWatcher(this.provider, { intervalMs: options.installPollMs, logger: options.logger });
    this.reservations = options.reservations ?? createReservationLedger();
    this.reservationMaxAgeMs = options.reservationMaxAgeMs ?? 15 * 60_000;
  }

  setShared(view: { ratePerMinute: number; processes: number }): void {
    this.shared = view;
  }

  /** This process's share of the call budget: what its token bucket lets through, whatever the queues dispatch. */
  processCallRatePerMinute(): number {
    return Math.min(this.rate.rateAt(), this.shared.ratePerMinute) / Math.max(1, this.shared.processes);
  }

  /** The client for calls acting on one node: its daemon errors count toward that node's breaker. */
  providerForNode(nodeId: number, failFast = true): PterodactylClient {
    return guardProvider(this.raw, this.gate, { failFast, nodeId });
  }

  /**
   * Requests per minute `processes` processes make outside the provider task queue: one install-watch request per
   * watcher interval (the interval tick() paces it to from the budget) and one node read per capacityRefreshMs.
   * The task queue's rate leaves this share free.
   */
  backgroundShare(processes: number, rate = this.rate.rateAt()): number {
    return processes * (60_000 / this.watcher.intervalFor(rate / processes) + 60_000 / this.capacityRefreshMs);
  }

  /** Re-paces the install watcher to this process's share of the budget now (the provider worker calls it every second). */
  tick(): void {
    this.watcher.paceFor(Math.min(this.rate.rateAt(), this.shared.ratePerMinute) / Math.max(1, this.shared.processes));
  }

  /**
   * Rate of the provider task queue and of the planning task queue (tasks per minute each): the adaptive rate minus
   * the background share, divided by the panel calls a provider task makes on average (see ProviderTaskCalls). Both
   * queues dispatch at it, since an order has as many steps on one as on the other; the planning steps' occasional
   * calls (a catalogue load) wait for the token bucket like every other call.
   */
  providerRatePerMinute(processes = this.shared.processes, mergedRate = this.shared.ratePerMinute): number {
    const rate = Math.min(this.rate.rateAt(), mergedRate);
    return Math.max(1, (rate - this.backgroundShare(processes, rate)) / this.taskCalls.callsPerTask());
  }

  /** Memory and disk other orders hold on a node: this process's reservations plus those other processes report. */
  reservedOn(nodeId: number, exceptOrderId: string): { memory: number; disk: number } {
    const own = this.reservations.reservedOn(nodeId, exceptOrderId);
    for (const r of this.foreign) {
      if (r.nodeId !== nodeId || r.orderId === exceptOrderId) continue;
      own.memory += r.memory;
      own.disk += r.disk;
    }
    return own;
  }

  /** True when another order (of this or another process) holds the allocation. */
  allocationHeld(allocationId: number, orderId: string): boolean {
    return (
      this.reservations.heldByOther(allocationId, orderId) ||
      this.foreign.some((r) => r.allocationId === allocationId && r.orderId !== orderId)
    );
  }

  /** What the other processes reported (see the flow-control workflow); orders they released drop here too. */
  setForeign(reservations: Reservation[], releasedElsewhere: string[]): void {
    const own = new Set(this.reservations.list().map((r) => r.orderId));
    this.foreign = reservations.filter((r) => !own.has(r.orderId));
    for (const orderId of releasedElsewhere) if (own.has(orderId)) this.reservations.release(orderId);
  }

  /** This process's view for the flow-control workflow. */
  report(identity: string): ProcessFlowReport {
    this.reservations.expire(this.reservationMaxAgeMs);
    const { calls, rateLimited } = this.meter.lastMinute();
    const info = this.rate.lastInfo;
    return {
      identity,
      at: new Date().toISOString(),
      budget: {
        limitPerMinute: this.limitPerMinute,
        reserve: this.reserve,
        callsLastMinute: calls,
        rateLimitedLastMinute: rateLimited,
        panelLimit: info?.limit ?? null,
        panelRemaining: info?.remaining ?? null,
        lastRateLimitedAt:
          this.rate.lastRateLimitedAt === null ? null : new Date(this.rate.lastRateLimitedAt).toISOString(),
        suggestedRatePerMinute: this.rate.rateAt(),
      },
      breakers: this.breakers.views(),
      nodes: nodeViews(this),
      reservations: this.reservations.list(),
      released: this.reservations.recentlyReleased(60_000),
    };
  }

  /** Settles when the process begins to stop: long waits hand their activity back instead of holding shutdown. */
  get draining(): Promise<void> {
    return this.drained;
  }

  /** Tells the long waits of this process that it is stopping (see draining). */
  beginShutdown(): void {
    this.markDrained();
  }

  stop(): void {
    this.markDrained();
    this.watcher.stop();
  }
}
