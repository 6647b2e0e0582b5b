import { FailureType, permanentFailure } from '../errors';
import type { EggWithVariables } from '../provider';
import { orderVariableIssues, type VariablePolicy } from '../provider/validation/egg-variables';
import type { Order } from '../workflows/contract';
import type { PanelCatalogue } from './deps';

export interface EggCatalog {
  /** The egg with its variables; EggNotFound (permanent) when no nest has it. */
  find(eggId: number): Promise<EggWithVariables>;
  /**
   * The egg's defaults overlaid with the order's own values (what CtrlPanel sends too), after the egg's rules:
   * InvalidEnvironment (permanent, details.issues) when a variable is unknown, admin-only or fails its rule.
   */
  environmentOf(egg: EggWithVariables, order: Order): Record<string, string>;
}

/** Eggs by id across nests (orders name only the egg), from the process's cached catalogue. */
export function createEggCatalog(
  catalogue: Pick<PanelCatalogue, 'findEgg'>,
  policy: VariablePolicy = { allowAdminOnly: false },
): EggCatalog {
  return {
    async find(eggId) {
      const egg = await catalogue.findEgg(eggId);
      if (!egg) throw permanentFailure(FailureType.EggNotFound, `egg ${eggId} does not exist on the panel`);
      return egg;
    },
    environmentOf(egg, order) {
      const issues = orderVariableIssues(egg.variables, order.environment, policy);
      if (issues.length > 0) {
        const named = issues.map((i) => `${i.variable} (${i.rule})`).join(', ');
        throw permanentFailure(
          FailureType.InvalidEnvironment,
          `the egg's rules refuse the order's variables: ${named}`,
          {
            issues,
          },
        );
      }
      const defaults = egg.variables.flatMap((v) =>
        v.default_value === null ? [] : [[v.env_variable, v.default_value] as const],
      );
      return { ...Object.fromEntries(defaults), ...(order.environment ?? {}) };
    },
  };
}
