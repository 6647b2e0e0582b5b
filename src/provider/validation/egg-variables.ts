import type { EggVariable } from '../schemas';
import { validate } from './validator';

/** What the order check needs of an egg variable (the Application API's egg_variable attributes). */
export type EggVariableRules = Pick<EggVariable, 'name' | 'env_variable' | 'default_value' | 'user_editable' | 'rules'>;

/** One refused order variable: `rule` is `defined`, `user_editable` or the panel's validation rule that failed. */
export interface VariableIssue {
  variable: string;
  rule: string;
  message: string;
}

export interface VariablePolicy {
  /** ORDER_ADMIN_VARIABLES=allow: orders may set variables the egg does not mark user-editable. */
  allowAdminOnly: boolean;
}

/**
 * The egg's rules applied to an order's environment before anything reaches the panel: every variable must be one
 * the egg defines and marks user-editable (unless the operator allows admin-only ones), and the values the panel
 * would store (the egg's defaults overlaid with the order's) must pass each variable's validation rules, checked
 * the way the panel's VariableValidatorService checks them at admin level.
 */
export function orderVariableIssues(
  variables: readonly EggVariableRules[],
  environment: Readonly<Record<string, string>> | undefined,
  policy: VariablePolicy,
): VariableIssue[] {
  const given = environment ?? {};
  const byName = new Map(variables.map((v) => [v.env_variable, v]));
  const refused = Object.keys(given).flatMap((name): VariableIssue[] => {
    const variable = byName.get(name);
    if (!variable) return [{ variable: name, rule: 'defined', message: `The egg has no variable ${name}.` }];
    if (variable.user_editable === true || policy.allowAdminOnly) return [];
    return [{ variable: name, rule: 'user_editable', message: `The ${variable.name} variable is not user-editable.` }];
  });
  if (refused.length > 0) return refused;

  const data: Record<string, string | null> = {};
  const rules: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  for (const variable of variables) {
    const field = `environment.${variable.env_variable}`;
    data[variable.env_variable] = Object.hasOwn(given, variable.env_variable)
      ? given[variable.env_variable]
      : variable.default_value;
    rules[field] = variable.rules;
    attributes[field] = `${variable.name} variable`;
  }
  return validate({ environment: data }, rules, attributes).map((issue) => ({
    variable: issue.field.slice('environment.'.length),
    rule: issue.rule,
    message: issue.message,
  }));
}
