import type { SimContext } from '../context';
import { validationError } from '../http/errors';
import { isArrayLike } from '../../../src/provider/validation/rules';
import { validate } from '../../../src/provider/validation/validator';

function stored(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * VariableValidatorService at admin level: every variable of the egg is validated against its rules
 * (a missing one counts as null); failures are 422 on `environment.X`. Returns the values to store.
 */
export function validateEggEnvironment(ctx: SimContext, eggId: number, environment: unknown): Record<string, string> {
  const fields = isArrayLike(environment) && !Array.isArray(environment) ? environment : {};
  const variables = ctx.catalog.variablesOfEgg(eggId);
  const data: Record<string, unknown> = {};
  const rules: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  for (const variable of variables) {
    const key = `environment.${variable.env_variable}`;
    data[variable.env_variable] = fields[variable.env_variable] ?? null;
    rules[key] = variable.rules;
    attributes[key] = `${variable.name} variable`;
  }
  const issues = validate({ environment: data }, rules, attributes);
  if (issues.length > 0) throw validationError(issues);
  return Object.fromEntries(variables.map((v) => [v.env_variable, stored(data[v.env_variable])]));
}
