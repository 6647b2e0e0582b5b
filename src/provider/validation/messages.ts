import type { ParsedRule, SizeKind } from './rules';

const SIMPLE: Record<string, string> = {
  required: 'The :attribute field is required.',
  present: 'The :attribute field must be present.',
  required_with: 'The :attribute field is required when :values is present.',
  required_without: 'The :attribute field is required when :values is not present.',
  string: 'The :attribute must be a string.',
  integer: 'The :attribute must be an integer.',
  numeric: 'The :attribute must be a number.',
  boolean: 'The :attribute field must be true or false.',
  array: 'The :attribute must be an array.',
  in: 'The selected :attribute is invalid.',
  not_in: 'The selected :attribute is invalid.',
  exists: 'The selected :attribute is invalid.',
  unique: 'The :attribute has already been taken.',
  regex: 'The :attribute format is invalid.',
  not_regex: 'The :attribute format is invalid.',
  alpha: 'The :attribute may only contain letters.',
  alpha_num: 'The :attribute may only contain letters and numbers.',
  alpha_dash: 'The :attribute may only contain letters, numbers, and dashes.',
  digits: 'The :attribute must be :digits digits.',
  url: 'The :attribute format is invalid.',
};

const SIZED: Record<string, Record<SizeKind, string>> = {
  min: {
    numeric: 'The :attribute must be at least :min.',
    string: 'The :attribute must be at least :min characters.',
    array: 'The :attribute must have at least :min items.',
  },
  max: {
    numeric: 'The :attribute may not be greater than :max.',
    string: 'The :attribute may not be greater than :max characters.',
    array: 'The :attribute may not have more than :max items.',
  },
  between: {
    numeric: 'The :attribute must be between :min and :max.',
    string: 'The :attribute must be between :min and :max characters.',
    array: 'The :attribute must have between :min and :max items.',
  },
  size: {
    numeric: 'The :attribute must be :size.',
    string: 'The :attribute must be :size characters.',
    array: 'The :attribute must contain :size items.',
  },
};

/** The English message Laravel (as shipped with Pterodactyl) gives for a failed rule. */
export function ruleMessage(rule: ParsedRule, attribute: string, kind: SizeKind): string {
  const template = SIZED[rule.name]?.[kind] ?? SIMPLE[rule.name] ?? 'The :attribute is invalid.';
  const [first, second] = rule.args;
  const replacements: Record<string, string> = {
    attribute,
    values: rule.name.startsWith('required_')
      ? rule.args.map((a) => a.replace(/_/g, ' ')).join(' / ')
      : rule.args.join(', '),
    min: rule.name === 'max' ? '' : (first ?? ''),
    max: rule.name === 'max' ? (first ?? '') : (second ?? ''),
    size: first ?? '',
    digits: first ?? '',
  };
  return template.replace(/:(attribute|values|min|max|size|digits)/g, (_m, key: string) => replacements[key] ?? '');
}
