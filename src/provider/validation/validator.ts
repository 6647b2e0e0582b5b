import { ruleMessage } from './messages';
import type { CustomRule, ParsedRule } from './rules';
import { IMPLICIT_RULES, isArrayLike, isFilled, parseRules, passesRule, sizeOf } from './rules';

/** One failed rule: reported by the panel as an error entry with meta{source_field, rule}. */
export interface ValidationIssue {
  field: string;
  rule: string;
  message: string;
}
export type FieldRules = Record<string, string | Array<string | CustomRule>>;

interface Lookup {
  present: boolean;
  value: unknown;
}

function lookup(data: unknown, path: string): Lookup {
  let current: unknown = data;
  for (const key of path.split('.')) {
    if (!isArrayLike(current) || !Object.prototype.hasOwnProperty.call(current, key))
      return { present: false, value: undefined };
    current = (current as Record<string, unknown>)[key];
  }
  return { present: true, value: current };
}

function expandWildcards(data: unknown, pattern: string): string[] {
  const star = pattern.indexOf('.*');
  if (star < 0) return [pattern];
  const parent = lookup(data, pattern.slice(0, star));
  if (!isArrayLike(parent.value)) return [];
  return Object.keys(parent.value).flatMap((key) =>
    expandWildcards(data, `${pattern.slice(0, star)}.${key}${pattern.slice(star + 2)}`),
  );
}

function isCustom(rule: ParsedRule | CustomRule): rule is CustomRule {
  return 'passes' in rule;
}

function presenceFails(rule: ParsedRule, field: Lookup, data: unknown): boolean {
  switch (rule.name) {
    case 'present':
      return !field.present;
    case 'required':
      return !isFilled(field.value);
    case 'required_with':
      return rule.args.some((other) => isFilled(lookup(data, other).value)) && !isFilled(field.value);
    case 'required_without':
      return rule.args.some((other) => !isFilled(lookup(data, other).value)) && !isFilled(field.value);
    default:
      return false;
  }
}

function validateField(
  data: unknown,
  path: string,
  spec: string | Array<string | CustomRule>,
  attribute: string,
): ValidationIssue[] {
  const rules = parseRules(spec);
  const names = rules.map((r) => r.name);
  const field = lookup(data, path);
  if (names.includes('sometimes') && !field.present) return [];
  const numericRules = names.includes('numeric') || names.includes('integer');
  const bail = names.includes('bail');
  const issues: ValidationIssue[] = [];
  for (const rule of rules) {
    if (['nullable', 'sometimes', 'bail'].includes(rule.name)) continue;
    if (isCustom(rule)) {
      if (issues.length > 0 || !field.present || (field.value === null && names.includes('nullable'))) continue;
      if (!rule.passes(field.value)) {
        issues.push({
          field: path,
          rule: rule.name,
          message: rule.message ?? ruleMessage({ name: rule.name, args: [] }, attribute, 'string'),
        });
      }
    } else if (IMPLICIT_RULES.has(rule.name)) {
      if (presenceFails(rule, field, data))
        issues.push({ field: path, rule: rule.name, message: ruleMessage(rule, attribute, 'string') });
    } else {
      if (!field.present || (field.value === null && names.includes('nullable'))) continue;
      if (!passesRule(rule, field.value, numericRules)) {
        const { kind } = sizeOf(field.value, numericRules);
        issues.push({ field: path, rule: rule.name, message: ruleMessage(rule, attribute, kind) });
      }
    }
    if (bail && issues.length > 0) break;
  }
  return issues;
}

function attributeName(path: string, pattern: string, attributes: Record<string, string>): string {
  return attributes[path] ?? attributes[pattern] ?? path.replace(/_/g, ' ');
}

/** Validates `data` the way Laravel's validator does for the subset of rules the panel uses. */
export function validate(data: unknown, rules: FieldRules, attributes: Record<string, string> = {}): ValidationIssue[] {
  return Object.entries(rules).flatMap(([pattern, spec]) =>
    expandWildcards(data, pattern).flatMap((path) =>
      validateField(data, path, spec, attributeName(path, pattern, attributes)),
    ),
  );
}
