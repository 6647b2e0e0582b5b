import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { circuitOpenFailure, failureFromProvider } from '../errors';
import { CircuitOpenError } from '../flow/call-gate';
import { ProcessFlow } from '../flow/process-flow';
import { isProviderError } from '../provider';
import type { ProvisioningActivities } from '../workflows/activity-contract';
import { allocateActivity } from './allocate';
import { deliverCallbackActivity } from './callback';
import { checkCapacityActivity } from './capacity';
import { deleteServerActivity, releaseAllocationActivity } from './compensations';
import { configureActivity } from './configure';
import { createActivity } from './create';
import { DEFAULT_INSTALL_POLL_MS, type ActivityDeps, type BoundDeps } from './deps';
import { createEggCatalog } from './eggs';
import { installActivity } from './install';
import { notifyOperatorsActivity } from './operator-webhook';
import { reinstallActivity, suspensionActivity } from './lifecycle';
import { applyBuildActivity, readBuildActivity, verifyBuildActivity } from './lifecycle-build';
import { verifyActivity } from './verify';

export type { ActivityDeps } from './deps';
export { createReservationLedger } from '../flow/reservations';
export type { AllocationReservations, Reservation } from '../flow/reservations';

/** Panel errors leave an activity as typed ApplicationFailures (see src/errors.ts); everything else passes through. */
function withTypedFailures<A extends unknown[], R>(run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (err) {
      if (err instanceof ApplicationFailure || err instanceof CancelledFailure) throw err;
      if (err instanceof CircuitOpenError) throw circuitOpenFailure(err);
      if (isProviderError(err)) throw failureFromProvider(err);
      throw err;
    }
  };
}

/** The flow control the activities use: the one given, or one built on the deps' panel client and ledger. */
export function flowOf(deps: ActivityDeps): ProcessFlow {
  return (
    deps.flow ??
    new ProcessFlow({
      provider: deps.provider,
      reservations: deps.reservations,
      installPollMs: deps.installPollMs ?? DEFAULT_INSTALL_POLL_MS,
      logger: deps.logger,
    })
  );
}

/** The activities of provisionServer, bound to one process's flow control (panel client, ledger, breakers) and logger. */
export function createActivities(deps: ActivityDeps): ProvisioningActivities {
  const bound: BoundDeps = { flow: flowOf(deps), logger: deps.logger };
  const eggs = createEggCatalog(bound.flow.catalogue);
  return {
    allocate: withTypedFailures(allocateActivity(bound)),
    create: withTypedFailures(createActivity(bound, eggs)),
    install: withTypedFailures(installActivity(bound)),
    configure: withTypedFailures(configureActivity(bound, eggs)),
    verify: withTypedFailures(verifyActivity(bound)),
    checkCapacity: withTypedFailures(checkCapacityActivity(bound)),
    releaseAllocation: withTypedFailures(releaseAllocationActivity(bound)),
    deleteServer: withTypedFailures(deleteServerActivity(bound)),
    suspendServer: withTypedFailures(suspensionActivity(bound, true)),
    unsuspendServer: withTypedFailures(suspensionActivity(bound, false)),
    reinstallServer: withTypedFailures(reinstallActivity(bound)),
    readBuild: withTypedFailures(readBuildActivity(bound)),
    applyBuild: withTypedFailures(applyBuildActivity(bound)),
    verifyBuild: withTypedFailures(verifyBuildActivity(bound)),
    deliverCallback: deliverCallbackActivity({
      secret: deps.callbackSecret,
      logger: deps.logger,
      timeoutMs: deps.callbackTimeoutMs,
      guard: deps.outboundGuard,
    }),
    notifyOperators: notifyOperatorsActivity({
      ...deps.operatorWebhook,
      logger: deps.logger,
      guard: deps.outboundGuard,
    }),
  };
}
