import { paperServer, startHarness, waitFor, type SimHarness } from './sim-harness';

let h: SimHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.sim.close());
beforeEach(() => h.reset());

describe('catalogue against the simulated panel', () => {
  test('listNodes reads every page and getNode returns one node', async () => {
    await h.addNode({ location_id: 2, ports: { start: 30000, end: 30001 } });
    const nodes = await h.client({ allPagesPerPage: 1 }).listNodes();
    expect(nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    const node = await h.client().getNode(3);
    expect(node).toMatchObject({
      id: 3,
      location_id: 2,
      maintenance_mode: false,
      allocated_resources: { memory: 0, disk: 0 },
    });
  });

  test('listAllAllocations reads all 120 allocations of a node, not only the first page', async () => {
    const all = await h.client({ allPagesPerPage: 50 }).listAllAllocations(1);
    expect(all).toHaveLength(120);
    expect(new Set(all.map((a) => a.id)).size).toBe(120);
    const expected = h.sim.panel
      .state()
      .allocations.filter((a) => a.node === 1)
      .map((a) => a.id)
      .sort((a, b) => a - b);
    expect(all.map((a) => a.id).sort((a, b) => a - b)).toEqual(expected);
  });

  test('listAllocations returns the requested page; filter server_id=0 lists only free allocations', async () => {
    const client = h.client();
    const page = await client.listAllocations(1, { page: 3, perPage: 50 });
    expect(page.items).toHaveLength(20);
    expect(page.pagination).toMatchObject({ total: 120, current_page: 3, total_pages: 3 });
    const taken = page.items[0].id;
    await client.createServer(paperServer('alloc-filter', taken));
    const free = await client.listAllAllocations(1, { filter: { server_id: 0 } });
    expect(free).toHaveLength(119);
    expect(free.some((a) => a.id === taken || a.assigned)).toBe(false);
  });

  test('locations, nests, eggs and a single egg come with their variables', async () => {
    const client = h.client();
    expect(await client.listLocations()).toEqual([
      { id: 1, short: 'eu', long: 'Europe' },
      { id: 2, short: 'us', long: 'United States' },
    ]);
    expect((await client.listNests()).map((n) => n.name)).toEqual(['Minecraft']);
    const eggs = await client.listEggs(1);
    expect(eggs.map((e) => [e.id, e.variables.length])).toEqual([
      [1, 3],
      [2, 4],
    ]);
    const vanilla = await client.getEgg(1, 2);
    expect(vanilla.variables.map((v) => v.env_variable)).toEqual([
      'SERVER_JARFILE',
      'VANILLA_VERSION',
      'MAX_PLAYERS',
      'DIFFICULTY',
    ]);
    expect(vanilla.variables.find((v) => v.env_variable === 'DIFFICULTY')?.rules).toBe(
      'required|in:peaceful,easy,normal,hard',
    );
  });
});

describe('server lifecycle against the simulated panel', () => {
  test('create, look up, list, update, suspend, reinstall, delete', async () => {
    const client = h.client();
    const created = await client.createServer(paperServer('order-42', 5));
    expect(created).toMatchObject({
      external_id: 'order-42',
      allocation: 5,
      node: 1,
      status: 'installing',
      suspended: false,
    });
    expect(await client.getServer(created.id)).toMatchObject({ id: created.id, uuid: created.uuid });
    expect((await client.getServerByExternalId('order-42'))?.id).toBe(created.id);
    const listed = await client.listServers({ filter: { external_id: 'order-42' } });
    expect(listed.items.map((s) => s.id)).toEqual([created.id]);

    const installed = await waitFor(
      () => client.getServer(created.id),
      (s) => s.status !== 'installing',
    );
    expect(installed).toMatchObject({ status: null, container: { installed: true } });

    const renamed = await client.updateDetails(created.id, { name: 'renamed', user: 2, external_id: 'order-42' });
    expect(renamed).toMatchObject({ name: 'renamed', user: 2, external_id: 'order-42' });
    const rebuilt = await client.updateBuild(created.id, {
      allocation: 5,
      limits: { memory: 2048, swap: 0, disk: 5120, io: 500, cpu: 200 },
      feature_limits: { databases: 1, allocations: 1, backups: 2 },
    });
    expect(rebuilt.limits).toMatchObject({ memory: 2048, cpu: 200 });
    expect(rebuilt.feature_limits).toEqual({ databases: 1, allocations: 1, backups: 2 });
    const restarted = await client.updateStartup(created.id, {
      startup: 'java -jar {{SERVER_JARFILE}}',
      environment: { SERVER_JARFILE: 'paper.jar' },
      egg: 1,
      image: 'ghcr.io/pterodactyl/yolks:java_17',
      skip_scripts: false,
    });
    expect(restarted.container.environment.SERVER_JARFILE).toBe('paper.jar');

    await client.suspend(created.id);
    expect(await client.getServer(created.id)).toMatchObject({ suspended: true, status: 'suspended' });
    await client.unsuspend(created.id);
    expect(await client.getServer(created.id)).toMatchObject({ suspended: false, status: null });
    await client.reinstall(created.id);
    expect((await client.getServer(created.id)).status).toBe('installing');

    expect(await client.deleteServer(created.id)).toBe('deleted');
    expect(await client.getServerByExternalId('order-42')).toBeNull();
    expect(await client.deleteServer(created.id, { force: true })).toBe('already_gone');
  });

  test('createServer with deploy lets the panel place the server in the location', async () => {
    const created = await h.client().createServer(
      paperServer('deploy-1', 1, {
        allocation: undefined,
        deploy: { locations: [1], dedicated_ip: false, port_range: [] },
      }),
    );
    expect([1, 2]).toContain(created.node);
    expect(created.external_id).toBe('deploy-1');
  });
});
