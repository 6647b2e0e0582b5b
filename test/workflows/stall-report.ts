import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { FlowRig } from './flow-harness';

const { EventType } = temporal.api.enums.v1;

async function lastEvents(handle: WorkflowHandle, count: number): Promise<string> {
  try {
    const { events } = await handle.fetchHistory();
    return (events ?? [])
      .slice(-count)
      .map((e) => String(EventType[e.eventType ?? 0]).replace('EVENT_TYPE_', ''))
      .join(' > ');
  } catch (err) {
    return `history unreadable: ${(err as Error).message}`;
  }
}

async function pendingFailures(handle: WorkflowHandle): Promise<string> {
  try {
    const { raw } = await handle.describe();
    const pending = raw.pendingActivities ?? [];
    return (
      pending
        .map((a) => `${a.activityType?.name}#${a.attempt}: ${a.lastFailure?.message ?? 'no failure yet'}`)
        .join(', ') || 'no pending activity'
    );
  } catch (err) {
    return `undescribable: ${(err as Error).message}`;
  }
}

/**
 * What a rig's orders were doing when a test gave up on them, printed with the failure: each one's last history
 * events and pending activities (with their last failure), every activity the workers started (with how it failed),
 * the panel requests and the breakers. So a stall of the test server in CI (workflow tasks never handed out) can be
 * told from a stuck workflow or a breaker that never opened. The time-skipping test server has no DescribeTaskQueue,
 * so pollers are not shown.
 */
export async function stallReport(rig: FlowRig, handles: WorkflowHandle[]): Promise<string> {
  const histories = await Promise.all(handles.map(async (hd) => `${hd.workflowId}: ${await lastEvents(hd, 4)}`));
  const pending = await Promise.all(handles.map(async (hd) => `${hd.workflowId}: ${await pendingFailures(hd)}`));
  const started =
    rig.starts.map((s) => `${s.type}@${s.orderId || '-'}${s.failed ? ` (${s.failed})` : ''}`).join(', ') || 'none';
  const breakers = rig.flows.map((f) => JSON.stringify(f.breakers.views())).join(' | ');
  return [
    `histories: ${histories.join('; ')}`,
    `pending activities: ${pending.join('; ')}`,
    `activities started: ${started}`,
    `panel requests: ${rig.calls.length}; breakers: ${breakers}`,
  ].join('\n');
}
