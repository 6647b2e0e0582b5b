import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { circuitOpenFailure, failureFromProvider } from '../errors';
import { CircuitOpenError } from '../flow/call-gate';
import { isProviderError } from '../provider';
import type { ProvisioningActivities } from '../workflows/activity-contract';
import { allocateActivity } from './allocate';
import { deliverCallbackActivity } from './callback';
import { limitedPerHost } from './callback-host-limit';
import { HostSlots } from '../callbacks/host-slots';
import { checkCapacityActivity } from './capacity';
import { deleteServerActivity, releaseAllocationActivity } from './compensations';
import { configureActivity } from './configure';
import { createActivity } from './create';
import { DEFAULT_CALLBACK_PER_HOST, type ActivityDeps } from './deps';
import { createEggCatalog } from './eggs';
import { installActivity } from './install';
import { notifyOperatorsActivity } from './operator-webhook';
import { reinstallActivity, suspensionActivity } from './lifecycle';
import { applyBuildActivity, readBuildActivity, verifyBuildActivity } from './lifecycle-build';
import { verifyActivity } from './verify';

export type { ActivityDeps, CapacityLedger, InstallWatch, NodeBreakers, PanelAccess, PanelCatalogue } from './deps';
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

/** The activities of provisionServer and serverOperation; each factory receives only the dependencies it uses. */
export function createActivities(deps: ActivityDeps): ProvisioningActivities {
  const { panel, compensationPanel, panelForNode, catalogue, ledger, breakers, capacityRefreshMs } = deps;
  const { watcher, draining, logger, createSettleMs, variablePolicy } = deps;
  const eggs = createEggCatalog(catalogue, variablePolicy);
  const lifecycle = { panel, panelForNode, logger };
  return {
    allocate: withTypedFailures(allocateActivity({ catalogue, ledger, breakers, logger })),
    create: withTypedFailures(createActivity({ panel, panelForNode, catalogue, ledger, logger }, eggs)),
    install: withTypedFailures(installActivity({ panel, panelForNode, watcher, draining, logger })),
    configure: withTypedFailures(configureActivity({ panel, panelForNode, logger }, eggs)),
    verify: withTypedFailures(verifyActivity({ panel })),
    checkCapacity: withTypedFailures(checkCapacityActivity({ catalogue, ledger, breakers, capacityRefreshMs })),
    releaseAllocation: withTypedFailures(releaseAllocationActivity({ ledger, logger })),
    deleteServer: withTypedFailures(
      deleteServerActivity({ compensationPanel, panelForNode, catalogue, logger, createSettleMs }),
    ),
    suspendServer: withTypedFailures(suspensionActivity(lifecycle, true)),
    unsuspendServer: withTypedFailures(suspensionActivity(lifecycle, false)),
    reinstallServer: withTypedFailures(reinstallActivity(lifecycle)),
    readBuild: withTypedFailures(readBuildActivity({ panel })),
    applyBuild: withTypedFailures(applyBuildActivity({ panel, panelForNode, catalogue, logger })),
    verifyBuild: withTypedFailures(verifyBuildActivity({ panel })),
    deliverCallback: limitedPerHost(
      new HostSlots(deps.callbackPerHost ?? DEFAULT_CALLBACK_PER_HOST),
      deliverCallbackActivity({
        secrets: deps.callbackSecrets,
        legacySecret: deps.callbackSecret,
        legacyHeaders: deps.callbackLegacyHeaders,
        logger,
        timeoutMs: deps.callbackTimeoutMs,
        guard: deps.outboundGuard,
      }),
    ),
    notifyOperators: notifyOperatorsActivity({ ...deps.operatorWebhook, logger, guard: deps.outboundGuard }),
  };
}
