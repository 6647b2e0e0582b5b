import { FailureType, permanentFailure } from '../errors';
import { isProviderError, type EggWithVariables, type PterodactylClient } from '../provider';
import type { Order } from '../workflows/contract';

export interface EggCatalog {
  /** The egg with its variables; EggNotFound (permanent) when no nest has it. */
  find(eggId: number): Promise<EggWithVariables>;
}

/** Finds eggs by id across nests (orders name only the egg), remembering which nest holds each. */
export function createEggCatalog(provider: PterodactylClient): EggCatalog {
  const nestOf = new Map<number, number>();
  const locate = async (eggId: number): Promise<EggWithVariables | undefined> => {
    for (const nest of await provider.listNests()) {
      const eggs = await provider.listEggs(nest.id);
      for (const egg of eggs) nestOf.set(egg.id, nest.id);
      const found = eggs.find((egg) => egg.id === eggId);
      if (found) return found;
    }
    return undefined;
  };
  return {
    async find(eggId) {
      const nestId = nestOf.get(eggId);
      if (nestId !== undefined) {
        try {
          return await provider.getEgg(nestId, eggId);
        } catch (err) {
          if (!isProviderError(err) || err.kind !== 'not_found') throw err;
          nestOf.delete(eggId);
        }
      }
      const egg = await locate(eggId);
      if (!egg) throw permanentFailure(FailureType.EggNotFound, `egg ${eggId} does not exist on the panel`);
      return egg;
    },
  };
}

/** The egg's defaults overlaid with the order's own values (what CtrlPanel sends too). */
export function orderEnvironment(egg: EggWithVariables, order: Order): Record<string, string> {
  const defaults = egg.variables.flatMap((v) => (v.default_value === null ? [] : [[v.env_variable, v.default_value] as const]));
  return { ...Object.fromEntries(defaults), ...(order.environment ?? {}) };
}
