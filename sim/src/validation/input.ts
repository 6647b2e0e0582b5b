/** Applies the panel's global TrimStrings and ConvertEmptyStringsToNull middleware to request input. */
export function normalizeInput(value: unknown): unknown {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map(normalizeInput);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeInput(v)]));
  }
  return value;
}
