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

/**
 * What a rig's orders were doing when a test gave up on them: each one's last history events and the activities the
 * workers started, printed with the failure so that a stall of the test server in CI (workflow tasks never handed
 * out) can be told from a stuck workflow. The time-skipping test server has no DescribeTaskQueue, so pollers are
 * not shown.
 */
export async function stallReport(rig: FlowRig, handles: WorkflowHandle[]): Promise<string> {
  const histories = await Promise.all(handles.map(async (hd) => `${hd.workflowId}: ${await lastEvents(hd, 4)}`));
  const started = rig.starts.map((s) => `${s.type}@${s.orderId || '-'}`).join(', ') || 'none';
  return [`histories: ${histories.join('; ')}`, `activities started: ${started}`].join('\n');
}
