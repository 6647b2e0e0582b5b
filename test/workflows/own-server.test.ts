import { createHash } from 'node:crypto';
import { panelCollationKey } from '../../sim/src/store/collation';
import { ORDER_ID_PATTERN } from '../../src/api/schemas';
import { PANEL_EXTERNAL_ID_MAX, orderExternalId, ownExternalId } from '../../src/workflows/own-server';
import { sha256Hex } from '../../src/workflows/sha256';

describe('own-server marker', () => {
  it('computes the same SHA-256 as node:crypto without it (workflow code cannot use node:crypto)', () => {
    const inputs = ['', 'abc', 'Case-A', 'x'.repeat(55), 'x'.repeat(56), 'y'.repeat(64), 'z'.repeat(1000), 'ä€😀'];
    for (const text of inputs) expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('is sq-<orderId in lower case>-<16 hex of its SHA-256>, fixed for good (running orders depend on it)', () => {
    expect(ownExternalId('1001')).toBe('sq-1001-fe675fe7aaee830b');
    expect(ownExternalId('Case-A')).toBe('sq-case-a-2a4324ec84a485b3');
    expect(ownExternalId('case-a')).toBe('sq-case-a-178f13edf91be156');
    expect(orderExternalId('1001', true)).toBe(ownExternalId('1001'));
    expect(orderExternalId('1001', false)).toBe('1001');
  });

  it('keeps order ids that differ only in case apart under the panel collation', () => {
    const ids = ['Case-A', 'case-a', 'CASE-A', 'cAsE-a'];
    const keys = ids.map((id) => panelCollationKey(ownExternalId(id)));
    expect(new Set(keys).size).toBe(ids.length);
  });

  it('collates equal to nothing but itself: lower-case letters, digits, - and _, ending in a hex digit', () => {
    for (const id of ['1001', 'Order_9-X', 'A'.repeat(64), 'z']) {
      const marker = ownExternalId(id);
      expect(marker).toMatch(/^sq-[a-z0-9_-]+-[0-9a-f]{16}$/);
      expect(panelCollationKey(marker)).toBe(marker);
      expect(ORDER_ID_PATTERN.test(id)).toBe(true);
    }
  });

  it("fits the panel's 191 characters for the longest API order id, and cuts only the readable part beyond", () => {
    expect(ownExternalId('A'.repeat(64))).toHaveLength(3 + 64 + 1 + 16);
    const long = ownExternalId('b'.repeat(300));
    expect(long).toHaveLength(PANEL_EXTERNAL_ID_MAX);
    expect(long.endsWith(`-${sha256Hex('b'.repeat(300)).slice(0, 16)}`)).toBe(true);
  });
});
