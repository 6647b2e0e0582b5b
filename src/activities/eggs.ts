import { FailureType, permanentFailure } from '../errors';
import type { EggWithVariables } from '../provider';
import type { Order } from '../workflows/contract';
import type { PanelCatalogue } from './deps';

export interface EggCatalog {
  /** The egg with its variables; EggNotFound (permanent) when no nest has it. */
  find(eggId: number): Promise<EggWithVariables>;
}

/** Eggs by id across nests (orders name only the egg), from the process's cached catalogue. */
export function createEggCatalog(catalogue: Pick<PanelCatalogue, 'findEgg'>): EggCatalog {
  return {
    async find(eggId) {
      const egg = await catalogue.findEgg(eggId);
      if (!egg) throw permanentFailure(FailureType.EggNotFound, `egg ${eggId} does not exist on the panel`);
      return egg;
    },
  };
}

/** The egg's defaults overlaid with the order's own values (what CtrlPanel sends too). */
export function orderEnvironment(egg: EggWithVariables, order: Order): Record<string, string> {
  const defaults = egg.variables.flatMap((v) =>
    v.default_value === null ? [] : [[v.env_variable, v.default_value] as const],
  );
  return { ...Object.fromEntries(defaults), ...(order.environment ?? {}) };
}
