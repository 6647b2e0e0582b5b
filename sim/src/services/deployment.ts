import type { SimContext } from '../context';
import { displayError, PanelError } from '../http/errors';
import type { PortSpec } from '../store/allocations';
import type { AllocationRow } from '../store/rows';

export interface DeploySpec {
  locations: number[];
  dedicated: boolean;
  portRange: unknown[];
}

const RANGE = /^(\d{4,5})-(\d{4,5})$/;

/** Port entries as AllocationSelectionService reads them: "25565" or "25565-25600" (at most 1000 apart). */
export function parsePorts(entries: unknown[]): PortSpec[] {
  const ports: PortSpec[] = [];
  for (const entry of entries) {
    const text = String(entry);
    if (/^\d+$/.test(text)) ports.push(Number(text));
    const range = RANGE.exec(text);
    if (range) {
      if (Math.abs(Number(range[2]) - Number(range[1])) > 1000) {
        throw displayError('Adding more than 1000 ports in a single range at once is not supported.');
      }
      ports.push([Number(range[1]), Number(range[2])]);
    }
  }
  return ports;
}

/** Picks a random free allocation on a node that can take `memory`/`disk`, or answers 400 as the panel does. */
export function selectDeployAllocation(ctx: SimContext, spec: DeploySpec, memory: number, disk: number): AllocationRow {
  const nodes = ctx.catalog.viableNodes({ memory, disk, locationIds: spec.locations });
  if (nodes.length === 0) {
    throw new PanelError(
      400,
      'NoViableNodeException',
      'No nodes satisfying the requirements specified for automatic deployment could be found.',
    );
  }
  const candidates = ctx.allocations.findFree({
    nodeIds: nodes.map((n) => n.id),
    ports: parsePorts(spec.portRange),
    dedicated: spec.dedicated,
  });
  if (candidates.length === 0) {
    throw new PanelError(
      400,
      'NoViableAllocationException',
      'No allocations satisfying the requirements for automatic deployment were found.',
    );
  }
  return candidates[Math.floor(ctx.random.next() * candidates.length)];
}
