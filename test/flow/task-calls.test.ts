import { CallPacer, ProviderTaskCalls } from '../../src/flow/task-calls';

describe('provider task calls and the call pacer', () => {
  it('averages the panel calls of finished provider tasks, counting only calls made inside one', async () => {
    const tasks = new ProviderTaskCalls();
    const calling = (n: number) =>
      tasks.wrap(async () => {
        for (let i = 0; i < n; i++) tasks.counted();
        await new Promise((r) => setImmediate(r));
      });
    expect(tasks.callsPerTask()).toBe(1);
    for (let i = 0; i < 20; i++) await calling(i % 2)();
    tasks.counted();
    expect(tasks.callsPerTask()).toBeCloseTo(0.5);
    await Promise.all(Array.from({ length: 40 }, () => calling(0)()));
    expect(tasks.callsPerTask()).toBeCloseTo(0.25);
  });

  it('counts a failed task too', async () => {
    const tasks = new ProviderTaskCalls();
    const failing = tasks.wrap(async () => {
      tasks.counted();
      tasks.counted();
      throw new Error('panel down');
    });
    for (let i = 0; i < 20; i++) await expect(failing()).rejects.toThrow('panel down');
    expect(tasks.callsPerTask()).toBe(2);
  });

  it('lets a quarter second of calls through at once, then spaces them at the rate', () => {
    let now = 0;
    const pacer = new CallPacer(() => now);
    now = 1000;
    const waits = Array.from({ length: 12 }, () => pacer.reserve(2400));
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits[10]).toBe(25);
    expect(waits[11]).toBe(50);
    now += 2000;
    expect(pacer.reserve(2400)).toBe(0);
  });

  it('lets at least one call through at low rates', () => {
    let now = 0;
    const pacer = new CallPacer(() => now);
    now = 60_000;
    expect([pacer.reserve(60), pacer.reserve(60)]).toEqual([0, 1000]);
  });
});
