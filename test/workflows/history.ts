import fs from 'node:fs';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { historyToJson } from './history-json';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Ref = { scheduledEventId?: unknown } | null | undefined;

export const HISTORIES_DIR = path.resolve(__dirname, '../fixtures/histories');

/** One activity as the history records it: its type, final attempt and how it closed. */
export interface ActivityRecord {
  type: string;
  scheduledAt: number;
  closedAt: number;
  attempt: number;
  outcome: 'completed' | 'failed' | 'timed_out' | 'canceled' | 'open';
  cancelRequested: boolean;
}

const millis = (event: HistoryEvent): number => {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
};

/** Activities in the order they were scheduled. */
export function activities(history: History): ActivityRecord[] {
  const records = new Map<number, ActivityRecord>();
  const find = (attrs: Ref) => (attrs ? records.get(Number(attrs.scheduledEventId)) : undefined);
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      records.set(Number(event.eventId), {
        type: scheduled.activityType?.name ?? '?',
        scheduledAt: millis(event),
        closedAt: 0,
        attempt: 0,
        outcome: 'open',
        cancelRequested: false,
      });
    }
    const started = find(event.activityTaskStartedEventAttributes);
    if (started) {
      started.attempt = event.activityTaskStartedEventAttributes?.attempt ?? 1;
    }
    const cancelRequested = find(event.activityTaskCancelRequestedEventAttributes);
    if (cancelRequested) cancelRequested.cancelRequested = true;
    const closes: Array<[ActivityRecord['outcome'], Ref]> = [
      ['completed', event.activityTaskCompletedEventAttributes],
      ['failed', event.activityTaskFailedEventAttributes],
      ['timed_out', event.activityTaskTimedOutEventAttributes],
      ['canceled', event.activityTaskCanceledEventAttributes],
    ];
    for (const [outcome, attrs] of closes) {
      const closed = find(attrs);
      if (!closed) continue;
      closed.outcome = outcome;
      closed.closedAt = millis(event);
    }
  }
  return [...records.values()];
}

export const activityTypes = (history: History): string[] => activities(history).map((a) => a.type);

/** The kind of the history's closing event, e.g. `workflowExecutionCompletedEventAttributes`. */
export function closeEvent(history: History): string | undefined {
  const last = (history.events ?? []).at(-1) as Record<string, unknown> | undefined;
  return last ? Object.keys(last).find((k) => /^workflowExecution\w+EventAttributes$/.test(k) && last[k]) : undefined;
}

/** Saves the history as a replay fixture when RECORD_HISTORIES=1 (see test/workflows/replay.test.ts). */
export function recordHistory(name: string, history: History): void {
  if (process.env.RECORD_HISTORIES !== '1') return;
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(historyToJson(history), null, 2)}\n`);
}
