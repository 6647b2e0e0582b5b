/** PHP-style boolean of an input accepted by the `boolean` rule. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

/** PHP truthiness, for inputs the panel casts with (bool). */
export function truthy(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && value !== 0 && value !== '0' && value !== '';
}

/** A numeric input rounded the way an integer column stores it. */
export function toInt(value: unknown): number {
  return Math.round(Number(value));
}

export function toIntOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toInt(value);
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value !== null && typeof value === 'object' ? Object.values(value) : [];
}
