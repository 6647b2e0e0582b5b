/** A Laravel-style rule check: `name` is what the panel reports as `meta.rule`. */
export interface CustomRule {
  name: string;
  passes(value: unknown): boolean;
  message?: string;
}
export interface ParsedRule {
  name: string;
  args: string[];
}

export const IMPLICIT_RULES = new Set(['required', 'present', 'required_with', 'required_without']);

export function parseRules(spec: string | Array<string | CustomRule>): Array<ParsedRule | CustomRule> {
  const parts = typeof spec === 'string' ? spec.split('|') : spec;
  return parts
    .filter((p) => p !== '')
    .map((part) => {
      if (typeof part !== 'string') return part;
      const colon = part.indexOf(':');
      if (colon < 0) return { name: part.toLowerCase(), args: [] };
      const name = part.slice(0, colon).toLowerCase();
      const raw = part.slice(colon + 1);
      return { name, args: name === 'regex' || name === 'not_regex' ? [raw] : raw.split(',') };
    });
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && NUMERIC.test(value);
}

export function isInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value);
  return typeof value === 'string' && /^[+-]?\d+$/.test(value.trim());
}

export function isArrayLike(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

export function isFilled(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (isArrayLike(value)) return Object.keys(value).length > 0;
  return true;
}

export type SizeKind = 'numeric' | 'array' | 'string';

export function sizeOf(value: unknown, numericRules: boolean): { size: number; kind: SizeKind } {
  if (numericRules && isNumeric(value)) return { size: Number(value), kind: 'numeric' };
  if (isArrayLike(value)) return { size: Object.keys(value).length, kind: 'array' };
  return { size: [...String(value)].length, kind: 'string' };
}

/** Converts a PHP (PCRE) pattern like `/^a+$/i` into a RegExp; null when it cannot be expressed. */
export function phpRegex(pattern: string): RegExp | null {
  const match = /^(.)([\s\S]*)\1([imsxu]*)$/.exec(pattern);
  if (!match) return null;
  try {
    return new RegExp(match[2], match[3].replace('x', '').replace('u', '') + 'u');
  } catch {
    try {
      return new RegExp(match[2], match[3].replace(/[xu]/g, ''));
    } catch {
      return null;
    }
  }
}

function scalarString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return null;
}

/** True when `value` satisfies the non-presence rule `rule` (presence rules are decided by the validator). */
export function passesRule(rule: ParsedRule, value: unknown, numericRules: boolean): boolean {
  const [a, b] = rule.args;
  switch (rule.name) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return isInteger(value);
    case 'numeric':
      return isNumeric(value);
    case 'boolean':
      return [true, false, 0, 1, '0', '1'].includes(value as never);
    case 'array':
      return isArrayLike(value);
    case 'min':
      return sizeOf(value, numericRules).size >= Number(a);
    case 'max':
      return sizeOf(value, numericRules).size <= Number(a);
    case 'size':
      return sizeOf(value, numericRules).size === Number(a);
    case 'between': {
      const { size } = sizeOf(value, numericRules);
      return size >= Number(a) && size <= Number(b);
    }
    case 'in':
      return scalarString(value) !== null && rule.args.includes(scalarString(value) as string);
    case 'not_in':
      return scalarString(value) === null || !rule.args.includes(scalarString(value) as string);
    case 'regex':
    case 'not_regex': {
      const text = scalarString(value);
      const regex = phpRegex(a);
      if (text === null || regex === null) return false;
      return regex.test(text) === (rule.name === 'regex');
    }
    case 'alpha':
      return typeof value === 'string' && /^[\p{L}\p{M}]+$/u.test(value);
    case 'alpha_num':
      return scalarString(value) !== null && /^[\p{L}\p{M}\p{N}]+$/u.test(scalarString(value) as string);
    case 'alpha_dash':
      return scalarString(value) !== null && /^[\p{L}\p{M}\p{N}_-]+$/u.test(scalarString(value) as string);
    case 'digits':
      return /^\d+$/.test(scalarString(value) ?? '') && (scalarString(value) as string).length === Number(a);
    case 'url':
      return typeof value === 'string' && /^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(value);
    default:
      return true;
  }
}
