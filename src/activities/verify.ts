import { FailureType, permanentFailure } from '../errors';
import type { Server } from '../provider';
import type { VerifyInput } from '../workflows/activity-contract';
import type { Order, ProvisionedServer } from '../workflows/contract';
import { buildMatches } from './configure';
import type { ActivityDeps } from './deps';
import { readServer } from './read-server';

/** Every way the panel's server differs from the order; empty when it is exactly what was ordered. */
export function mismatches(
  server: Server,
  order: Order,
  expected: ProvisionedServer,
  externalId = order.orderId,
): string[] {
  const found: string[] = [];
  if (server.external_id !== externalId) found.push(`external_id is ${server.external_id ?? 'null'}`);
  if (!server.container.installed || server.status !== null)
    found.push(`not installed (status ${server.status ?? 'null'})`);
  if (server.suspended) found.push('suspended');
  if (!buildMatches(server, order)) found.push('limits or feature limits differ from the order');
  if (server.egg !== order.eggId) found.push(`egg is ${server.egg}, ordered ${order.eggId}`);
  if (server.user !== order.userId) found.push(`owner is user ${server.user}, ordered ${order.userId}`);
  if (server.allocation !== expected.allocation.id)
    found.push(`allocation is ${server.allocation}, expected ${expected.allocation.id}`);
  return found;
}

/**
 * Checks the server exists, is installed, not suspended and matches the order (external_id, limits, egg, owner,
 * allocation).
 */
export function verifyActivity({ panel }: Pick<ActivityDeps, 'panel'>) {
  return async function verify({ order, server: expected, externalId }: VerifyInput): Promise<ProvisionedServer> {
    const server = await readServer(panel, expected.id);
    const problems = mismatches(server, order, expected, externalId);
    if (problems.length > 0) {
      throw permanentFailure(
        FailureType.VerificationFailed,
        `server ${server.id} does not match the order: ${problems.join('; ')}`,
        { problems },
      );
    }
    return { ...expected, uuid: server.uuid, identifier: server.identifier, node: server.node };
  };
}
