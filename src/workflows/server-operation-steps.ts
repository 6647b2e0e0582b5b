import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ProvisioningActivities } from './activity-contract';
import { INSTALL_DEADLINE_MS } from './activity-options';
import type { Compensations } from './compensations';
import type { OperationDispatch } from './server-operation-dispatch';
import type { ServerRef } from './activity-contract';
import type { ServerOperationInput, ServerOperationName } from './server-operation-contract';
import type { OperationTracker } from './server-operation-state';
import { deleteOperationInput, sparedNote } from './rollback-inputs';
import { OPERATION_STEP_PLANS as PLANS } from './step-plans';

const waiting = proxyActivities<ProvisioningActivities>(PLANS.install.options);
const ledger = proxyActivities<ProvisioningActivities>(PLANS.release.options);

export interface OperationContext {
  input: ServerOperationInput;
  tracker: OperationTracker;
  dispatch: OperationDispatch;
  compensations: Compensations;
}

export const INVALID_OPERATION_ERROR = 'InvalidOperation';

function serverRef({ orderId, serverId, operation, externalId }: ServerOperationInput): ServerRef {
  if (serverId === null)
    throw ApplicationFailure.nonRetryable(`${operation} needs the order's server id`, INVALID_OPERATION_ERROR);
  return { orderId, serverId, ...(externalId === undefined ? {} : { externalId }) };
}

function suspension(suspend: boolean) {
  return async ({ input, tracker, dispatch }: OperationContext): Promise<void> => {
    const ref = serverRef(input);
    const verb = suspend ? 'suspend' : 'unsuspend';
    tracker.enterStep(verb, `${suspend ? 'suspending' : 'unsuspending'} server ${ref.serverId}`);
    const { changed } = await dispatch.run(PLANS[verb], (a) =>
      suspend ? a.suspendServer(ref) : a.unsuspendServer(ref),
    );
    tracker.recordChange(changed);
    tracker.note(changed ? `server ${ref.serverId} ${verb}ed` : `server ${ref.serverId} was already ${verb}ed`);
  };
}

async function reinstall({ input, tracker, dispatch }: OperationContext): Promise<void> {
  const ref = serverRef(input);
  tracker.enterStep('reinstall', `reinstalling server ${ref.serverId}`);
  const { changed } = await dispatch.run(PLANS.reinstall, (a) => a.reinstallServer(ref));
  tracker.recordChange(true);
  tracker.note(changed ? 'reinstall started' : 'a reinstall was already running');
  tracker.enterStep('install', 'waiting for the installation to finish');
  const installed = await waiting.install({ ...ref, deadlineMs: INSTALL_DEADLINE_MS });
  tracker.note(installed.reinstalled ? 'the reinstall failed once; a second one succeeded' : 'installed');
}

async function resize({ input, tracker, dispatch, compensations }: OperationContext): Promise<void> {
  const ref = serverRef(input);
  const requested = input.build;
  if (!requested) throw ApplicationFailure.nonRetryable('resize needs the new build', INVALID_OPERATION_ERROR);
  tracker.enterStep('read', `reading the build of server ${ref.serverId}`);
  const previous = await dispatch.run(PLANS.read, (a) => a.readBuild(ref));
  tracker.state.build = { previous, requested };
  compensations.register(PLANS.apply.undo, async () => {
    tracker.enterStep('restore', 'restoring the previous build');
    await dispatch.compensate((a) => a.applyBuild({ ...ref, limits: previous }));
    tracker.state.rolledBack = true;
  });
  tracker.enterStep('apply', 'applying the new build');
  const { changed } = await dispatch.run(PLANS.apply, (a) => a.applyBuild({ ...ref, limits: requested }));
  tracker.recordChange(changed);
  tracker.note(changed ? 'build updated' : 'the build already was as requested');
  tracker.enterStep('verify', "checking the server's limits");
  await dispatch.run(PLANS.verify, (a) => a.verifyBuild({ ...ref, limits: requested }));
}

async function deprovision({ input, tracker, dispatch }: OperationContext): Promise<void> {
  tracker.enterStep(
    'delete',
    input.serverId === null ? "deleting the order's server, if any" : `deleting server ${input.serverId}`,
  );
  const deleted = await dispatch.run(PLANS.delete, (a) => a.deleteServer(deleteOperationInput(input)));
  tracker.state.deleted = deleted;
  tracker.recordChange(deleted.outcome !== 'already_gone');
  if (deleted.sparedServerId !== undefined) tracker.note(sparedNote(deleted.sparedServerId));
  tracker.note(
    deleted.outcome === 'already_gone'
      ? 'no server of the order left on the panel'
      : `server ${deleted.serverId} deleted (${deleted.outcome}), confirmed gone`,
  );
  tracker.enterStep('release', "releasing the order's allocation reservation");
  const { released } = await ledger.releaseAllocation({ orderId: input.orderId });
  tracker.state.released = released;
  tracker.state.deprovisioned = true;
}

/** What each operation does; every step is idempotent, so running an operation twice changes nothing the second time. */
export const OPERATION_RUNNERS: Record<ServerOperationName, (ctx: OperationContext) => Promise<void>> = {
  suspend: suspension(true),
  unsuspend: suspension(false),
  reinstall,
  resize,
  delete: deprovision,
};
