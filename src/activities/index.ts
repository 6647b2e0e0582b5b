import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { failureFromProvider } from '../errors';
import { isProviderError } from '../provider';
import type { ProvisioningActivities } from '../workflows/activity-contract';
import { allocateActivity } from './allocate';
import { deleteServerActivity, releaseAllocationActivity } from './compensations';
import { configureActivity } from './configure';
import { createActivity } from './create';
import type { ActivityDeps } from './deps';
import { createEggCatalog } from './eggs';
import { installActivity } from './install';
import { verifyActivity } from './verify';

export type { ActivityDeps } from './deps';
export { createReservationLedger } from './reservations';
export type { AllocationReservations, Reservation } from './reservations';

/** Panel errors leave an activity as typed ApplicationFailures (see src/errors.ts); everything else passes through. */
function withTypedFailures<A extends unknown[], R>(run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (err) {
      if (err instanceof ApplicationFailure || err instanceof CancelledFailure) throw err;
      if (isProviderError(err)) throw failureFromProvider(err);
      throw err;
    }
  };
}

/** The activities of provisionServer, bound to one panel client, logger and reservation ledger. */
export function createActivities(deps: ActivityDeps): ProvisioningActivities {
  const eggs = createEggCatalog(deps.provider);
  return {
    allocate: withTypedFailures(allocateActivity(deps)),
    create: withTypedFailures(createActivity(deps, eggs)),
    install: withTypedFailures(installActivity(deps)),
    configure: withTypedFailures(configureActivity(deps, eggs)),
    verify: withTypedFailures(verifyActivity(deps)),
    releaseAllocation: withTypedFailures(releaseAllocationActivity(deps)),
    deleteServer: withTypedFailures(deleteServerActivity(deps)),
  };
}
