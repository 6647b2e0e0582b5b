import type { Ctx, Run } from './ctx';
import { unimplemented } from './errors';
import { scheduleActivity, requestCancelActivity } from './activities';
import { cancelWorkflowCommand, completeWorkflowCommand, continueAsNewCommand, failWorkflowCommand } from './close';
import { requestCancelExternal, signalExternal, startChild } from './external';
import { enums, temporal, Plain } from './proto';
import { priorityError } from './priority';
import { applySearchAttributes, validateSearchAttributes, withTypeMetadata } from './search-attributes';
import { cancelTimer, startTimer } from './timers';
import { applyUpdateMessages } from './updates';
import type { ActivityInfo } from './state';
import { isOpen } from './wft';

type Command = Plain<temporal.api.command.v1.ICommand>;
type Message = Plain<temporal.api.protocol.v1.IMessage>;
const CT = enums.CommandType;
const Cause = enums.WorkflowTaskFailedCause;

export const closingCommandTypes = new Set<number>([
  CT.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, CT.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION, CT.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

export interface CommandFailure { cause: number; message: string }

/** Checks commands before anything is written; a bad command fails the whole task, as on the real server. */
export function validateCommands(ctx: Ctx, run: Run, commands: Command[]): CommandFailure | undefined {
  const activityIds = new Set(Object.values(run.state.activities).map((a) => a.activityId));
  for (const c of commands) {
    const name = CT[c.commandType ?? 0] ?? String(c.commandType);
    if (c.scheduleNexusOperationCommandAttributes || c.requestCancelNexusOperationCommandAttributes) {
      throw unimplemented(`command ${name} (Nexus) is not implemented by the embedded server`);
    }
    const a = c.scheduleActivityTaskCommandAttributes;
    if (a) {
      const bad = (message: string) => ({ cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, message });
      if (!a.activityId) return bad('ActivityId is not set.');
      if (!a.activityType?.name) return bad('ActivityType is not set.');
      if (activityIds.has(a.activityId)) return bad(`Activity with ID ${a.activityId} is already pending.`);
      if (priorityError(a.priority)) return bad(priorityError(a.priority)!);
      if (!a.startToCloseTimeout && !a.scheduleToCloseTimeout) return bad('A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.');
      activityIds.add(a.activityId);
    }
    const t = c.startTimerCommandAttributes;
    if (t && (!t.timerId || run.state.timers[t.timerId])) {
      return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, message: `invalid or duplicate TimerId ${t.timerId}` };
    }
    const child = c.startChildWorkflowExecutionCommandAttributes;
    const sa = (c.upsertWorkflowSearchAttributesCommandAttributes ?? c.continueAsNewWorkflowExecutionCommandAttributes ?? child)?.searchAttributes;
    const saNamespace = child?.namespace || run.state.namespace;
    if (sa && ctx.namespaces.has(saNamespace)) {
      try {
        validateSearchAttributes(ctx, saNamespace, sa.indexedFields);
      } catch (err) {
        return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, message: (err as Error).message };
      }
    }
    if (child && (!child.workflowId || !child.workflowType?.name)) {
      return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES, message: 'WorkflowId and WorkflowType are required.' };
    }
    if (!Object.keys(c).some((k) => k.endsWith('CommandAttributes'))) {
      throw unimplemented(`command ${name} is not implemented by the embedded server`);
    }
  }
  return undefined;
}

/** Writes the events of each command in order; protocol messages are applied where their command stands. */
export function applyCommands(
  ctx: Ctx, run: Run, commands: Command[], messages: Message[], completedId: number, identity: string, eager: ActivityInfo[] = [],
): void {
  const byId = new Map(messages.map((m) => [m.id ?? '', m]));
  for (const c of commands) {
    if (!isOpen(run)) return;
    const wftCompletedEventId = completedId;
    if (c.scheduleActivityTaskCommandAttributes) scheduleActivity(ctx, run, c.scheduleActivityTaskCommandAttributes, wftCompletedEventId, c.userMetadata, eager);
    else if (c.requestCancelActivityTaskCommandAttributes) requestCancelActivity(ctx, run, Number(c.requestCancelActivityTaskCommandAttributes.scheduledEventId), wftCompletedEventId);
    else if (c.startTimerCommandAttributes) startTimer(ctx, run, c.startTimerCommandAttributes, wftCompletedEventId, c.userMetadata);
    else if (c.cancelTimerCommandAttributes) cancelTimer(ctx, run, c.cancelTimerCommandAttributes.timerId ?? '', wftCompletedEventId, identity);
    else if (c.completeWorkflowExecutionCommandAttributes) completeWorkflowCommand(ctx, run, c.completeWorkflowExecutionCommandAttributes, wftCompletedEventId);
    else if (c.failWorkflowExecutionCommandAttributes) failWorkflowCommand(ctx, run, c.failWorkflowExecutionCommandAttributes, wftCompletedEventId);
    else if (c.cancelWorkflowExecutionCommandAttributes) cancelWorkflowCommand(ctx, run, c.cancelWorkflowExecutionCommandAttributes, wftCompletedEventId);
    else if (c.continueAsNewWorkflowExecutionCommandAttributes) continueAsNewCommand(ctx, run, c.continueAsNewWorkflowExecutionCommandAttributes, wftCompletedEventId);
    else if (c.recordMarkerCommandAttributes) ctx.append(run, { markerRecordedEventAttributes: { ...c.recordMarkerCommandAttributes, workflowTaskCompletedEventId: wftCompletedEventId } });
    else if (c.startChildWorkflowExecutionCommandAttributes) startChild(ctx, run, c.startChildWorkflowExecutionCommandAttributes, wftCompletedEventId, c.userMetadata);
    else if (c.signalExternalWorkflowExecutionCommandAttributes) signalExternal(ctx, run, c.signalExternalWorkflowExecutionCommandAttributes, wftCompletedEventId);
    else if (c.requestCancelExternalWorkflowExecutionCommandAttributes) requestCancelExternal(ctx, run, c.requestCancelExternalWorkflowExecutionCommandAttributes, wftCompletedEventId);
    else if (c.upsertWorkflowSearchAttributesCommandAttributes) upsertSearchAttributes(ctx, run, c.upsertWorkflowSearchAttributesCommandAttributes, wftCompletedEventId);
    else if (c.modifyWorkflowPropertiesCommandAttributes) modifyProperties(ctx, run, c.modifyWorkflowPropertiesCommandAttributes, wftCompletedEventId);
    else if (c.protocolMessageCommandAttributes) {
      const m = byId.get(c.protocolMessageCommandAttributes.messageId ?? '');
      if (m) {
        byId.delete(m.id ?? '');
        applyUpdateMessages(ctx, run, [m], wftCompletedEventId);
      }
    }
  }
  applyUpdateMessages(ctx, run, [...byId.values()], completedId);
}

function upsertSearchAttributes(
  ctx: Ctx, run: Run, attrs: Plain<temporal.api.command.v1.IUpsertWorkflowSearchAttributesCommandAttributes>, completedId: number,
): void {
  const searchAttributes = withTypeMetadata(ctx, run.state.namespace, attrs.searchAttributes);
  ctx.append(run, { upsertWorkflowSearchAttributesEventAttributes: { searchAttributes, workflowTaskCompletedEventId: completedId } });
  applySearchAttributes(ctx, run.state.namespace, run.state.searchAttributes, attrs.searchAttributes?.indexedFields);
  ctx.visibility.update(run);
}

function modifyProperties(
  ctx: Ctx, run: Run, attrs: Plain<temporal.api.command.v1.IModifyWorkflowPropertiesCommandAttributes>, completedId: number,
): void {
  ctx.append(run, { workflowPropertiesModifiedEventAttributes: { upsertedMemo: attrs.upsertedMemo, workflowTaskCompletedEventId: completedId } });
  const fields = { ...(run.state.memo?.fields ?? {}) };
  for (const [name, payload] of Object.entries(attrs.upsertedMemo?.fields ?? {})) {
    if (!payload.data || payload.data.length === 0) delete fields[name];
    else fields[name] = payload;
  }
  run.state.memo = { fields };
}
