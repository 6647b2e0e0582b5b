import type { Ctx, Run } from './ctx';
import { durationMs, temporal, Plain } from './proto';
import { deliver, isOpen } from './wft';

type StartTimer = Plain<temporal.api.command.v1.IStartTimerCommandAttributes>;

export function startTimer(ctx: Ctx, run: Run, attrs: StartTimer, completedId: number, userMetadata?: Plain<temporal.api.sdk.v1.IUserMetadata> | null): void {
  const timerId = attrs.timerId!;
  const event = ctx.append(run, { userMetadata, timerStartedEventAttributes: { timerId, startToFireTimeout: attrs.startToFireTimeout, workflowTaskCompletedEventId: completedId } });
  run.state.timers[timerId] = { timerId, startedEventId: Number(event.eventId), fireAt: ctx.clock.now() + durationMs(attrs.startToFireTimeout) };
  armTimer(ctx, run, timerId);
}

export function armTimer(ctx: Ctx, run: Run, timerId: string): void {
  const timer = run.state.timers[timerId];
  ctx.runTimer(run, `t:${timerId}`, timer.fireAt, () => ctx.tx(() => {
    if (ctx.runs.get(run.state.runId) !== run || !isOpen(run) || run.state.timers[timerId] !== timer) return;
    delete run.state.timers[timerId];
    deliver(ctx, run, { timerFiredEventAttributes: { timerId, startedEventId: timer.startedEventId } });
  }));
}

/** CancelTimer; a timer whose firing is still buffered is cancelled too, its TimerFired dropped. */
export function cancelTimer(ctx: Ctx, run: Run, timerId: string, completedId: number, identity: string): void {
  const s = run.state;
  let startedEventId = s.timers[timerId]?.startedEventId;
  if (startedEventId === undefined) {
    const i = s.buffered.findIndex((b) => b.timerFiredEventAttributes?.timerId === timerId);
    if (i < 0) return;
    startedEventId = Number(s.buffered[i].timerFiredEventAttributes!.startedEventId);
    s.buffered.splice(i, 1);
  }
  delete s.timers[timerId];
  ctx.cancelTimers(run, `t:${timerId}`);
  ctx.append(run, { timerCanceledEventAttributes: { timerId, startedEventId, workflowTaskCompletedEventId: completedId, identity } });
}
