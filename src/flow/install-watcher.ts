import type { Logger } from 'pino';
import type { PterodactylClient, Server } from '../provider';

export interface InstallWatcherOptions {
  /**
   * Longest time between two list requests (each covers up to `batchSize` watched servers); default 5 s. With
   * budget to spare (see paceFor) requests come more often, down to FASTEST_CHECK_MS.
   */
  intervalMs?: number;
  /** External ids per request; default 50 (keeps the URL short). */
  batchSize?: number;
  /** Page size of the list request; default 100. */
  perPage?: number;
  logger?: Logger;
}

/** A watched server as one request saw it (null: not on the panel under its external_id), and when. */
export interface Sighting {
  server: Server | null;
  at: number;
}
interface Watch {
  serverId: number;
  waiters: Array<(seen: Sighting) => void>;
}

/** Shortest interval between two install checks of one process. */
export const FASTEST_CHECK_MS = 250;
/** Share of a process's provider budget the checks may take when the budget has room to spare ... */
const SPARE_SHARE = 0.05;
/** ... and the most they take when the configured interval would need more. */
const MAX_SHARE = 0.25;

/**
 * Follows the installation of many servers with one request per interval: `GET /servers?filter[external_id]=a,b,c`
 * (the panel matches each value as a substring, OR-ed), matched exactly by external_id on our side. A watched
 * server missing from a complete answer is reported as null (the caller confirms by id). At most one request per
 * interval per process, so the provider budget counts it as a fixed share.
 */
export class InstallWatcher {
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | undefined;
  private cursor = 0;
  private page = 1;
  private polling = false;
  private interval: number;
  private readonly configuredIntervalMs: number;
  private readonly batchSize: number;
  private readonly perPage: number;

  constructor(
    private readonly provider: PterodactylClient,
    private readonly options: InstallWatcherOptions = {},
  ) {
    this.configuredIntervalMs = options.intervalMs ?? 5000;
    this.interval = this.configuredIntervalMs;
    this.batchSize = options.batchSize ?? 50;
    this.perPage = options.perPage ?? 100;
  }

  get intervalMs(): number {
    return this.interval;
  }

  /**
   * Sets the interval from this process's provider budget (requests per minute): as fast as SPARE_SHARE of it
   * allows (not faster than FASTEST_CHECK_MS), at most the configured interval, and never above MAX_SHARE of it.
   */
  paceFor(budgetPerMinute: number): void {
    this.interval = this.intervalFor(budgetPerMinute);
  }

  /** The interval paceFor would set for this budget (requests per minute), without setting it. */
  intervalFor(budgetPerMinute: number): number {
    const everyMs = (share: number) => 60_000 / (share * Math.max(budgetPerMinute, 1e-6));
    const preferred = Math.min(this.configuredIntervalMs, Math.max(FASTEST_CHECK_MS, everyMs(SPARE_SHARE)));
    return Math.ceil(Math.max(everyMs(MAX_SHARE), preferred));
  }

  /**
   * The server with external_id `externalId` (the order's) as the next request covering it sees it; undefined when
   * nothing came within `maxWaitMs`.
   */
  next(externalId: string, serverId: number, maxWaitMs: number): Promise<Sighting | undefined> {
    let watch = this.watches.get(externalId);
    if (!watch) {
      watch = { serverId, waiters: [] };
      this.watches.set(externalId, watch);
    }
    const w = watch;
    return new Promise((resolve) => {
      const timeout = setTimeout(() => {
        w.waiters = w.waiters.filter((f) => f !== done);
        resolve(undefined);
      }, maxWaitMs);
      const done = (seen: Sighting) => {
        clearTimeout(timeout);
        resolve(seen);
      };
      w.waiters.push(done);
      this.schedule();
    });
  }

  /** Stops following the server with this external_id (installed, failed or given up). */
  forget(externalId: string): void {
    this.watches.delete(externalId);
  }

  get watching(): number {
    return this.watches.size;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.polling || this.watches.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, this.interval);
    this.timer.unref();
  }

  private batch(): string[] {
    const ids = [...this.watches.keys()].sort();
    if (this.cursor >= ids.length) this.cursor = 0;
    return ids.slice(this.cursor, this.cursor + this.batchSize);
  }

  private async poll(): Promise<void> {
    this.polling = true;
    const ids = this.batch();
    const at = Date.now();
    try {
      const { items, pagination } = await this.provider.listServers({
        filter: { external_id: ids.join(',') },
        page: this.page,
        perPage: this.perPage,
      });
      const found = new Map(items.filter((s) => s.external_id !== null).map((s) => [s.external_id as string, s]));
      const complete = pagination.total_pages <= 1;
      for (const id of ids) {
        const server = found.get(id);
        if (server || complete) this.resolve(id, server ?? null, at);
      }
      if (pagination.current_page < pagination.total_pages) this.page += 1;
      else {
        this.page = 1;
        this.cursor += ids.length;
      }
    } catch (err) {
      this.options.logger?.debug(
        { err: err instanceof Error ? err.message : String(err) },
        'install watch request failed',
      );
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  private resolve(externalId: string, server: Server | null, at: number): void {
    const watch = this.watches.get(externalId);
    if (!watch) return;
    const sighting = { server: server && server.id === watch.serverId ? server : null, at };
    for (const done of watch.waiters.splice(0)) done(sighting);
  }
}
