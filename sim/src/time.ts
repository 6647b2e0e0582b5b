/** Formats like Carbon's toAtomString() in UTC, as the panel's transformers do: 2024-05-01T12:00:00+00:00. */
export function atomTimestamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}+00:00`;
}
