import { msNumberToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { MAX_ACTIVITIES, summariseFailure, summariseHistory } from '../../src/api/order-history';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (s: number) => msNumberToTs(T0 + s * 1000);
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

let nextId = 1;
function event(
  eventType: temporal.api.enums.v1.EventType,
  seconds: number,
  attrs: Partial<HistoryEvent>,
): HistoryEvent {
  return temporal.api.history.v1.HistoryEvent.fromObject({
    eventId: nextId++,
    eventType,
    eventTime: at(seconds),
    ...attrs,
  });
}
const scheduled = (s: number, activityId: string, name: string) =>
  event(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, s, {
    activityTaskScheduledEventAttributes: { activityId, activityType: { name } },
  });
const appFailure = (message: string, type: string, cause?: temporal.api.failure.v1.IFailure) => ({
  message,
  stackTrace: 'at secret (/app/src/x.ts:1:1)',
  applicationFailureInfo: { type },
  cause,
});

beforeEach(() => {
  nextId = 1;
});

describe('summariseHistory', () => {
  it('pairs scheduled, started and closed events, with attempts, failures and times', () => {
    const events: HistoryEvent[] = [event(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 0, {})];
    const push = (e: HistoryEvent) => (events.push(e), e);
    const allocate = push(scheduled(1, '1', 'allocate'));
    push(
      event(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, 1, {
        activityTaskStartedEventAttributes: { scheduledEventId: allocate.eventId, attempt: 1 },
      }),
    );
    push(
      event(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 2, {
        activityTaskCompletedEventAttributes: { scheduledEventId: allocate.eventId },
      }),
    );
    const create = push(scheduled(3, '2', 'create'));
    push(
      event(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, 7, {
        activityTaskStartedEventAttributes: {
          scheduledEventId: create.eventId,
          attempt: 3,
          lastFailure: appFailure('panel answered 502', 'ProviderUnavailable'),
        },
      }),
    );
    push(
      event(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 8, {
        activityTaskCompletedEventAttributes: { scheduledEventId: create.eventId },
      }),
    );
    const install = push(scheduled(9, '3', 'install'));
    push(
      event(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, 9, {
        activityTaskStartedEventAttributes: { scheduledEventId: install.eventId, attempt: 1 },
      }),
    );
    push(
      event(T.EVENT_TYPE_ACTIVITY_TASK_FAILED, 12, {
        activityTaskFailedEventAttributes: {
          scheduledEventId: install.eventId,
          failure: appFailure('install failed', 'InstallFailed', { message: 'exit code 1' }),
        },
      }),
    );
    push(
      event(T.EVENT_TYPE_WORKFLOW_TASK_FAILED, 13, {
        workflowTaskFailedEventAttributes: { failure: { message: 'nondeterminism' } },
      }),
    );
    push(event(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 14, {}));
    const summary = summariseHistory('o-1', events);
    expect(summary).toMatchObject({
      orderId: 'o-1',
      eventCount: events.length,
      truncated: false,
      workflow: { outcome: 'COMPLETED', startedAt: iso(0), closedAt: iso(14), failure: null },
      workflowTaskFailures: [{ at: iso(13), failure: { type: null, message: 'nondeterminism', cause: null } }],
    });
    expect(summary.activities).toEqual([
      {
        scheduledEventId: 2,
        activityId: '1',
        activityType: 'allocate',
        status: 'COMPLETED',
        attempt: 1,
        scheduledAt: iso(1),
        startedAt: iso(1),
        closedAt: iso(2),
        failure: null,
      },
      {
        scheduledEventId: 5,
        activityId: '2',
        activityType: 'create',
        status: 'COMPLETED',
        attempt: 3,
        scheduledAt: iso(3),
        startedAt: iso(7),
        closedAt: iso(8),
        failure: { type: 'ProviderUnavailable', message: 'panel answered 502', cause: null },
      },
      {
        scheduledEventId: 8,
        activityId: '3',
        activityType: 'install',
        status: 'FAILED',
        attempt: 1,
        scheduledAt: iso(9),
        startedAt: iso(9),
        closedAt: iso(12),
        failure: { type: 'InstallFailed', message: 'install failed', cause: 'exit code 1' },
      },
    ]);
    expect(JSON.stringify(summary)).not.toContain('secret');
  });

  it('takes the attempt and last failure of a still-retrying activity from the pending activities', () => {
    const verify = scheduled(1, '7', 'verify');
    const pending = [
      {
        activityId: '7',
        attempt: 4,
        state: temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
        lastStartedTime: at(30),
        lastFailure: appFailure('server not reachable', 'VerifyFailed'),
      },
    ];
    const summary = summariseHistory('o-2', [event(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 0, {}), verify], pending);
    expect(summary.workflow.outcome).toBe('RUNNING');
    expect(summary.activities).toEqual([
      expect.objectContaining({
        activityType: 'verify',
        status: 'STARTED',
        attempt: 4,
        startedAt: iso(30),
        closedAt: null,
        failure: { type: 'VerifyFailed', message: 'server not reachable', cause: null },
      }),
    ]);
  });

  it('reports timeouts and a failed workflow, and keeps only the newest activities', () => {
    const events: HistoryEvent[] = [];
    for (let i = 0; i < MAX_ACTIVITIES + 5; i += 1) events.push(scheduled(i, String(i), 'checkCapacity'));
    const last = events[events.length - 1];
    events.push(
      event(T.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, 500, {
        activityTaskTimedOutEventAttributes: {
          scheduledEventId: last.eventId,
          failure: {
            message: 'activity timeout',
            timeoutFailureInfo: { timeoutType: temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE },
          },
        },
      }),
    );
    events.push(
      event(T.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, 501, {
        workflowExecutionFailedEventAttributes: {
          failure: {
            message: 'Activity task timed out',
            activityFailureInfo: {},
            cause: { message: 'activity timeout' },
          },
        },
      }),
    );
    const summary = summariseHistory('o-3', events);
    expect(summary.truncated).toBe(true);
    expect(summary.activities).toHaveLength(MAX_ACTIVITIES);
    expect(summary.activities[0].activityId).toBe('5');
    expect(summary.activities.at(-1)).toMatchObject({
      status: 'TIMED_OUT',
      failure: { type: 'Timeout:TIMEOUT_TYPE_START_TO_CLOSE', message: 'activity timeout' },
    });
    expect(summary.workflow).toMatchObject({
      outcome: 'FAILED',
      failure: { type: 'ActivityFailure', message: 'Activity task timed out', cause: 'activity timeout' },
    });
  });
});

describe('summariseFailure', () => {
  it('clips long messages and drops stack traces', () => {
    const summary = summariseFailure(appFailure('x'.repeat(2000), 'Big'));
    expect(summary!.message.length).toBeLessThanOrEqual(501);
    expect(summary).not.toHaveProperty('stackTrace');
    expect(summariseFailure(null)).toBeNull();
  });
});
