import {
  isProviderError,
  type Allocation,
  type EggWithVariables,
  type PanelNode,
  type PterodactylClient,
} from '../provider';
import { CircuitOpenError } from './call-gate';

export interface CatalogueOptions {
  /** How long the node list (capacity, allocated resources) is reused; default 30 s. */
  nodesTtlMs?: number;
  /** How long nests and eggs are reused; default 10 min. */
  eggsTtlMs?: number;
  /** How long a node's list of free allocations is reused; default 5 min. */
  allocationsTtlMs?: number;
  /** Free allocations read per request (one page of `filter[server_id]=0`); default 100. */
  allocationsPerPage?: number;
  now?: () => number;
  /** How long the panel's breaker still refuses calls (ms), null when calls may go; see `Catalogue`. */
  panelRefusingForMs?: () => number | null;
}

/** An unknown egg id re-reads the eggs at most this often (a new egg shows up; a bad id cannot flood the panel). */
const EGG_MISS_REREAD_MS = 30_000;

interface Cached<T> {
  value: T;
  at: number;
}

/**
 * The panel's catalogue as the activities of one process need it, read once and reused: nodes (with their
 * allocated resources, corrected locally for servers this process created or deleted since), eggs by id, and per
 * node a pool of free allocations (one page of unassigned allocations). Concurrent readers share one request, so
 * one failed read (the breaker's half-open probe, say) reaches them all: a read that failed retryably while the
 * panel's breaker now refuses calls is that refusal (CircuitOpenError), and each reader waits for the provider rather
 * than retry on its own backoff.
 */
export class Catalogue {
  private nodes: Cached<PanelNode[]> | undefined;
  private eggs: Cached<Map<number, EggWithVariables>> | undefined;
  private readonly pools = new Map<number, Cached<Allocation[]>>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly nodesTtl: number;
  private readonly eggsTtl: number;
  private readonly allocationsTtl: number;
  private readonly perPage: number;
  private readonly now: () => number;
  private readonly panelRefusingForMs: () => number | null;

  constructor(
    private readonly provider: PterodactylClient,
    options: CatalogueOptions = {},
  ) {
    this.nodesTtl = options.nodesTtlMs ?? 30_000;
    this.eggsTtl = options.eggsTtlMs ?? 600_000;
    this.allocationsTtl = options.allocationsTtlMs ?? 300_000;
    this.perPage = options.allocationsPerPage ?? 100;
    this.now = options.now ?? Date.now;
    this.panelRefusingForMs = options.panelRefusingForMs ?? (() => null);
  }

  /** Every node; re-read when the copy is older than `maxAgeMs` (default: the TTL). */
  async listNodes(maxAgeMs = this.nodesTtl): Promise<PanelNode[]> {
    if (this.nodes && this.now() - this.nodes.at <= maxAgeMs) return this.nodes.value;
    const value = await this.once('nodes', () => this.provider.listNodes());
    this.nodes = { value, at: this.now() };
    return value;
  }

  /** The nodes as last read, without reading (empty before the first read). */
  cachedNodes(): PanelNode[] {
    return this.nodes?.value ?? [];
  }

  get nodesReadAt(): number | null {
    return this.nodes?.at ?? null;
  }

  /** Counts a server this process created (+) or deleted (-) on a node until the next read shows it. */
  adjustNode(nodeId: number, delta: { memory: number; disk: number }): void {
    const node = this.nodes?.value.find((n) => n.id === nodeId);
    if (!node) return;
    node.allocated_resources = {
      memory: Math.max(0, node.allocated_resources.memory + delta.memory),
      disk: Math.max(0, node.allocated_resources.disk + delta.disk),
    };
  }

  /** The egg with its variables, or undefined when no nest has it (after a fresh read). */
  async findEgg(eggId: number): Promise<EggWithVariables | undefined> {
    const age = this.eggs ? this.now() - this.eggs.at : Infinity;
    if (this.eggs && age <= this.eggsTtl && (this.eggs.value.has(eggId) || age <= EGG_MISS_REREAD_MS))
      return this.eggs.value.get(eggId);
    return (await this.readEggs()).get(eggId);
  }

  /** The eggs as last read (undefined before the first read), without reading. */
  eggsAsRead(): { eggs: EggWithVariables[]; at: number } | undefined {
    return this.eggs && { eggs: [...this.eggs.value.values()], at: this.eggs.at };
  }

  /** Reads the eggs when the copy is older than the TTL (or missing); concurrent callers share one read. */
  async refreshEggs(): Promise<void> {
    if (!this.eggs || this.now() - this.eggs.at > this.eggsTtl) await this.readEggs();
  }

  private async readEggs(): Promise<Map<number, EggWithVariables>> {
    const value = await this.once('eggs', async () => {
      const eggs = new Map<number, EggWithVariables>();
      for (const nest of await this.provider.listNests()) {
        for (const egg of await this.provider.listEggs(nest.id)) eggs.set(egg.id, egg);
      }
      return eggs;
    });
    this.eggs = { value, at: this.now() };
    return value;
  }

  /** Free allocations of a node as last read (lowest id first); re-read when stale or when `refresh` is set. */
  async freeAllocations(nodeId: number, refresh = false): Promise<Allocation[]> {
    const pool = this.pools.get(nodeId);
    if (pool && !refresh && this.now() - pool.at <= this.allocationsTtl) return pool.value;
    const page = await this.once(`allocations:${nodeId}`, () =>
      this.provider.listAllocations(nodeId, { filter: { server_id: 0 }, perPage: this.perPage }),
    );
    const value = page.items.filter((a) => !a.assigned).sort((a, b) => a.id - b.id);
    this.pools.set(nodeId, { value, at: this.now() });
    return value;
  }

  /** True when the node's pool was read more than `ms` ago (or never). */
  poolOlderThan(nodeId: number, ms: number): boolean {
    const pool = this.pools.get(nodeId);
    return !pool || this.now() - pool.at > ms;
  }

  /** Drops an allocation from its node's pool (a server now holds it, or the panel refused it). */
  takeAllocation(nodeId: number, allocationId: number): void {
    const pool = this.pools.get(nodeId);
    if (pool) pool.value = pool.value.filter((a) => a.id !== allocationId);
  }

  /** Free allocations known per node (for the flow snapshot). */
  knownFree(nodeId: number): number | null {
    return this.pools.get(nodeId)?.value.length ?? null;
  }

  invalidateNodes(): void {
    this.nodes = undefined;
  }

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = load()
      .catch((err: unknown) => {
        const refusingForMs = isProviderError(err) && err.retryable ? this.panelRefusingForMs() : null;
        throw refusingForMs === null ? err : new CircuitOpenError('panel', null, refusingForMs);
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return started;
  }
}
