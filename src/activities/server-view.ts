import type { PterodactylClient, Server } from '../provider';
import type { AllocatedSlot } from '../workflows/activity-contract';
import type { ProvisionedServer } from '../workflows/contract';

/** The order's view of a panel server; the address comes from `slot` when it is the server's allocation. */
export async function describeServer(
  provider: PterodactylClient,
  server: Server,
  slot?: AllocatedSlot,
): Promise<ProvisionedServer> {
  const base = { id: server.id, uuid: server.uuid, identifier: server.identifier, node: server.node };
  if (slot && slot.allocationId === server.allocation) {
    return { ...base, allocation: { id: slot.allocationId, ip: slot.ip, port: slot.port } };
  }
  const owned = await provider.listAllAllocations(server.node, { filter: { server_id: server.id } });
  const primary = owned.find((a) => a.id === server.allocation);
  return {
    ...base,
    allocation: { id: server.allocation, ip: primary ? primary.alias || primary.ip : '', port: primary?.port ?? 0 },
  };
}
