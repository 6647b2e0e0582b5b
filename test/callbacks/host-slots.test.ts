import { ApplicationFailure } from '@temporalio/common';
import { HOST_BUSY_RETRY_MS, limitedPerHost } from '../../src/activities/callback-host-limit';
import { HostSlots } from '../../src/callbacks/host-slots';
import type { DeliverCallbackInput } from '../../src/callbacks/contract';

const input = (url: string) => ({ url, event: { id: 'e1' } }) as unknown as DeliverCallbackInput;

describe('callback deliveries per receiver host', () => {
  it('lets perHost deliveries to one host run at once and hands the next back busy, retried soon', async () => {
    let finish: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const slots = new HostSlots(2);
    const deliver = limitedPerHost(slots, async () => {
      await slow;
      return { status: 204, attempt: 1 };
    });
    const running = [deliver(input('https://Panel.example.com/a')), deliver(input('https://panel.example.com/b'))];
    const busy = await deliver(input('https://panel.example.com/c')).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ApplicationFailure);
    expect(busy).toMatchObject({ type: 'CallbackHostBusy', nonRetryable: false, nextRetryDelay: HOST_BUSY_RETRY_MS });
    expect((busy as Error).message).toBe('the receiver already has 2 callbacks in flight; retrying shortly');
    expect(slots.inUse('panel.example.com')).toBe(2);

    const other = deliver(input('https://other.example.com/'));
    finish();
    await expect(Promise.all([...running, other])).resolves.toHaveLength(3);
    expect(slots.inUse('panel.example.com')).toBe(0);
    await expect(deliver(input('https://panel.example.com/d'))).resolves.toEqual({ status: 204, attempt: 1 });
  });

  it('frees the slot when a delivery fails', async () => {
    const slots = new HostSlots(1);
    const failing = limitedPerHost(slots, async () => {
      throw new Error('refused');
    });
    await expect(failing(input('https://panel.example.com/'))).rejects.toThrow('refused');
    expect(slots.inUse('panel.example.com')).toBe(0);
  });

  it('counts an unparseable URL as a host of its own', async () => {
    let finish: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const slots = new HostSlots(1);
    const deliver = limitedPerHost(slots, async () => {
      await slow;
      return { status: 204, attempt: 1 };
    });
    const first = deliver(input('not a url'));
    expect(slots.inUse('not a url')).toBe(1);
    await expect(deliver(input('not a url'))).rejects.toMatchObject({ type: 'CallbackHostBusy' });
    const other = deliver(input('https://panel.example.com/'));
    finish();
    await expect(Promise.all([first, other])).resolves.toHaveLength(2);
  });
});
