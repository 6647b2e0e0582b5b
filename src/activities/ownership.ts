import type { ApplicationFailure } from '@temporalio/common';
import { FailureType, permanentFailure } from '../errors';
import type { Server } from '../provider';
import type { ServerClaim } from '../workflows/own-server';

/**
 * Every way `server` is not the one `claim` describes; empty when it is the order's own. The external_id must be the
 * same string exactly: the panel's look-up compares under its collation (case- and trailing-space-insensitive), so
 * it may answer with a server whose external_id only collates equal to ours.
 */
export function claimMismatches(server: Server, claim: ServerClaim): string[] {
  const found = externalIdMismatch(server, claim.externalId);
  if (server.user !== claim.userId) found.push(`owner is user ${server.user}, not ${claim.userId}`);
  if (claim.name !== undefined && server.name !== claim.name)
    found.push(`name is ${JSON.stringify(server.name)}, not ${JSON.stringify(claim.name)}`);
  if (claim.allocationId !== undefined && server.allocation !== claim.allocationId)
    found.push(`allocation is ${server.allocation}, not ${claim.allocationId}`);
  return found;
}

/** `[why]` when the server's external_id is not exactly `externalId`, else empty. */
export function externalIdMismatch(server: Server, externalId: string): string[] {
  return server.external_id === externalId
    ? []
    : [`external_id is ${JSON.stringify(server.external_id)}, not ${JSON.stringify(externalId)}`];
}

/** The permanent ForeignServer failure for a server that is not the order's (never adopted, changed or deleted). */
export function foreignServer(orderId: string, server: Server, problems: string[]): ApplicationFailure {
  return permanentFailure(
    FailureType.ForeignServer,
    `server ${server.id} holds the external_id of order ${orderId} but is not its server (${problems.join('; ')}); it is left untouched`,
    { serverId: server.id, problems },
  );
}
