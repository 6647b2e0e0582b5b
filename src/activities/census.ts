import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { CensusActivities, TakeCensusInput } from '../workflows/activity-contract';
import {
  CENSUS_MAX_PAGES,
  CENSUS_PAGE_SIZE,
  CENSUS_SERVED_WINDOW_MS,
  CENSUS_TURNAROUND_SAMPLE,
  statusIndex,
  tierIndex,
  type CountsByStatusTier,
  type QueueCensus,
  type WaitingEntry,
} from '../workflows/census-contract';
import {
  ORDER_STATUSES,
  OrderStatusAttribute,
  PROVISION_WORKFLOW_TYPE,
  RECORDED_STATUSES,
  TERMINAL_STATUSES,
  TIERS,
  TierAttribute,
  UserIdAttribute,
  isWaiting,
  recordedStatusOf,
  type OrderStatus,
  type RecordedStatus,
  type Tier,
} from '../workflows/contract';

const ORDERS = `WorkflowType = '${PROVISION_WORKFLOW_TYPE}'`;
const RUNNING = `${ORDERS} AND ExecutionStatus = 'Running'`;
const SERVED = `${ORDERS} AND ExecutionStatus = 'Completed' AND OrderStatus IN ('ACTIVE', 'FAILED')`;

const zeroByTier = (): Record<Tier, number> => ({ premium: 0, standard: 0, free: 0 });

/**
 * The census's visibility reads (see census-contract.ts), one at a time and at most one per CALL_GAP_MS: the running
 * orders page by page (at most CENSUS_MAX_PAGES), the orders served in the window (a count), the last finished orders
 * (one short list), and with `finished` the retained finished orders by status and tier (a count each).
 */
export function censusActivities(deps: { client: Client }): CensusActivities {
  return { takeCensus: (input) => takeCensus(deps.client, input) };
}

/** Gap between two visibility requests of a census, so that one census never bursts over the namespace's limit. */
const CALL_GAP_MS = 110;

async function takeCensus(client: Client, { finished, intervalMs }: TakeCensusInput): Promise<QueueCensus> {
  const namespace = client.options.namespace;
  let calls = 0;
  let nextCallAt = 0;
  const paced = async () => {
    calls += 1;
    const wait = nextCallAt - Date.now();
    nextCallAt = Math.max(Date.now(), nextCallAt) + CALL_GAP_MS;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  const count = async (query: string) => {
    await paced();
    return Number((await client.workflowService.countWorkflowExecutions({ namespace, query })).count ?? 0);
  };
  const list = async (query: string, pageSize: number, nextPageToken?: Uint8Array) => {
    await paced();
    const page = await client.workflowService.listWorkflowExecutions({ namespace, query, pageSize, nextPageToken });
    const infos = await Promise.all(
      page.executions.map((raw) => executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, namespace)),
    );
    return { infos, next: page.nextPageToken?.length ? page.nextPageToken : undefined };
  };

  async function running(): Promise<{
    byStatusTier: CountsByStatusTier;
    counted: number;
    truncated: boolean;
    waiting: WaitingEntry[];
    recent: Array<[number, number, number]>;
  }> {
    const byStatusTier: CountsByStatusTier = {};
    const waiting: WaitingEntry[] = [];
    const recent: Array<[number, number, number]> = [];
    const recentSince = Date.now() - 2 * intervalMs;
    let counted = 0;
    let token: Uint8Array | undefined;
    let pages = 0;
    do {
      const { infos, next } = await list(RUNNING, CENSUS_PAGE_SIZE, token);
      for (const info of infos) {
        const raw = info.typedSearchAttributes.get(OrderStatusAttribute) as RecordedStatus | undefined;
        const tier = info.typedSearchAttributes.get(TierAttribute) as Tier | undefined;
        const userId = info.typedSearchAttributes.get(UserIdAttribute);
        if (!raw || !tier || !TIERS.includes(tier)) continue;
        const status = ORDER_STATUSES.includes(raw as OrderStatus) ? recordedStatusOf(raw as OrderStatus) : raw;
        if (!RECORDED_STATUSES.includes(status)) continue;
        counted += 1;
        (byStatusTier[status] ??= zeroByTier())[tier] += 1;
        if (userId === undefined) continue;
        const startMs = info.startTime.getTime();
        if (isWaiting(status)) waiting.push([tierIndex(tier), userId, startMs, statusIndex(status)]);
        else if (startMs >= recentSince) recent.push([tierIndex(tier), userId, startMs]);
      }
      token = next;
      pages += 1;
    } while (token && pages < CENSUS_MAX_PAGES);
    waiting.sort((a, b) => a[2] - b[2]);
    return { byStatusTier, counted, truncated: token !== undefined, waiting, recent };
  }

  async function finishedCounts(): Promise<CountsByStatusTier> {
    const byStatusTier: CountsByStatusTier = {};
    for (const status of TERMINAL_STATUSES) {
      for (const tier of TIERS) {
        (byStatusTier[status] ??= zeroByTier())[tier] = await count(
          `${ORDERS} AND OrderStatus = '${status}' AND Tier = '${tier}'`,
        );
      }
    }
    return byStatusTier;
  }

  const takenAt = new Date();
  const since = new Date(takenAt.getTime() - CENSUS_SERVED_WINDOW_MS).toISOString();
  const [run, served, recent, finishedByStatus] = await Promise.all([
    running(),
    count(`${SERVED} AND CloseTime > '${since}'`),
    list(`${ORDERS} AND ExecutionStatus = 'Completed'`, CENSUS_TURNAROUND_SAMPLE),
    finished ? finishedCounts() : Promise.resolve(null),
  ]);
  const turnarounds = recent.infos.flatMap((info) =>
    info.closeTime ? [info.closeTime.getTime() - info.startTime.getTime()] : [],
  );
  const activeSince = takenAt.getTime() - 2 * intervalMs;
  const recentlyActive = recent.infos.flatMap((info): Array<[number, number, number, number]> => {
    const tier = info.typedSearchAttributes.get(TierAttribute) as Tier | undefined;
    const userId = info.typedSearchAttributes.get(UserIdAttribute);
    const closeMs = info.closeTime?.getTime() ?? 0;
    if (info.typedSearchAttributes.get(OrderStatusAttribute) !== 'ACTIVE' || closeMs < activeSince) return [];
    if (!tier || !TIERS.includes(tier) || userId === undefined) return [];
    return [[tierIndex(tier), userId, info.startTime.getTime(), closeMs]];
  });
  return {
    takenAt: takenAt.toISOString(),
    intervalMs,
    visibilityCalls: calls,
    running: { byStatusTier: run.byStatusTier, counted: run.counted, truncated: run.truncated },
    waiting: run.waiting,
    recent: run.recent,
    recentlyActive,
    finished: finishedByStatus ? { takenAt: takenAt.toISOString(), byStatusTier: finishedByStatus } : null,
    served: { windowMs: CENSUS_SERVED_WINDOW_MS, count: served },
    turnaround: {
      sample: turnarounds.length,
      meanMs: turnarounds.length ? Math.round(turnarounds.reduce((sum, ms) => sum + ms, 0) / turnarounds.length) : null,
    },
  };
}
