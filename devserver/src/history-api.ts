import type { Ctx, Run } from './ctx';
import { invalidArgument } from './errors';
import { enums, temporal, Plain } from './proto';
import type { HistoryEvent } from './state';
import { isOpen } from './wft';

type Req = Plain<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest>;
type Res = Plain<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse>;
const DEFAULT_PAGE = 1000;
const LONG_POLL_MS = 20_000;

interface PageToken { rid: string; next: number }

function decodePageToken(buf: Uint8Array | null | undefined): PageToken | undefined {
  if (!buf || buf.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(buf).toString()) as PageToken;
  } catch {
    throw invalidArgument('Invalid NextPageToken.');
  }
}

const pageToken = (t: PageToken) => Buffer.from(JSON.stringify(t));

function waitForChange(run: Run, signal: AbortSignal, ready: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (ready()) return resolve();
    const done = () => {
      clearTimeout(timer);
      run.historyWaiters.delete(wake);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const wake = () => {
      if (ready()) done();
    };
    const timer = setTimeout(done, LONG_POLL_MS);
    signal.addEventListener('abort', done, { once: true });
    run.historyWaiters.add(wake);
  });
}

/** GetWorkflowExecutionHistory with paging, long polling for new events, and the close-event-only filter. */
export async function getHistory(ctx: Ctx, req: Req, signal: AbortSignal): Promise<Res> {
  const namespace = ctx.namespace(req.namespace).name;
  const token = decodePageToken(req.nextPageToken);
  const run = ctx.getRun(namespace, req.execution?.workflowId, token?.rid ?? req.execution?.runId);
  const s = run.state;
  if (req.historyEventFilterType === enums.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT) {
    if (req.waitNewEvent) await waitForChange(run, signal, () => !isOpen(run));
    if (isOpen(run)) return { history: { events: [] }, nextPageToken: pageToken({ rid: s.runId, next: 1 }) };
    return { history: { events: [run.events[run.events.length - 1]] } };
  }
  const next = token?.next ?? 1;
  if (req.waitNewEvent) await waitForChange(run, signal, () => lastEventId(run) >= next || !isOpen(run));
  const size = req.maximumPageSize && req.maximumPageSize > 0 ? req.maximumPageSize : DEFAULT_PAGE;
  const events = eventsFrom(run, next, size);
  const after = events.length ? Number(events[events.length - 1].eventId) + 1 : next;
  const more = after <= lastEventId(run) || (req.waitNewEvent && isOpen(run));
  return { history: { events }, nextPageToken: more ? pageToken({ rid: s.runId, next: after }) : undefined };
}

function lastEventId(run: Run): number {
  return run.events.length ? Number(run.events[run.events.length - 1].eventId) : 0;
}

function eventsFrom(run: Run, next: number, size: number): HistoryEvent[] {
  const first = Number(run.events[0]?.eventId ?? 1);
  return run.events.slice(Math.max(0, next - first), Math.max(0, next - first) + size);
}
