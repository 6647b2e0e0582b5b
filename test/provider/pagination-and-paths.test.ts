import { createPterodactylClient, ProviderContractError, type PterodactylClient } from '../../src/provider';
import {
  panelError,
  serverAttributes,
  startCannedPanel,
  type CannedHandler,
  type RecordedRequest,
} from './canned-panel';

const API_KEY = 'ptla_pagingKey000111222333';
const allocation = (id: number) => ({
  object: 'allocation',
  attributes: { id, ip: '10.0.0.1', alias: null, port: 25000 + id, notes: null, assigned: id % 2 === 0 },
});
const notFound = {
  status: 404,
  json: { errors: [panelError(404, 'NotFoundHttpException', 'The requested resource could not be found.')] },
};

function pagedAllocations(total: number, ignorePage = false): CannedHandler {
  return (req: RecordedRequest) => {
    const perPage = Number(req.url.searchParams.get('per_page') ?? 50);
    const page = ignorePage ? 1 : Number(req.url.searchParams.get('page') ?? 1);
    const ids = Array.from({ length: total }, (_, i) => i + 1).slice((page - 1) * perPage, page * perPage);
    const pagination = {
      total,
      count: ids.length,
      per_page: perPage,
      current_page: page,
      total_pages: Math.ceil(total / perPage),
      links: {},
    };
    return { status: 200, json: { object: 'list', data: ids.map(allocation), meta: { pagination } } };
  };
}

let handler: CannedHandler;
let panel: Awaited<ReturnType<typeof startCannedPanel>>;
let client: PterodactylClient;

beforeAll(async () => {
  panel = await startCannedPanel((req) => handler(req));
  client = createPterodactylClient({ baseUrl: panel.url, apiKey: API_KEY, allPagesPerPage: 4 });
});
afterAll(() => panel.close());
beforeEach(() => panel.requests.splice(0));

describe('pagination', () => {
  test('listAllAllocations reads every page, passing filters on each', async () => {
    handler = pagedAllocations(10);
    const all = await client.listAllAllocations(3, { filter: { ip: '10.0.0.1' } });
    expect(all.map((a) => a.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(panel.requests.map((r) => r.url.searchParams.get('page'))).toEqual(['1', '2', '3']);
    for (const r of panel.requests) {
      expect(r.url.pathname).toBe('/api/application/nodes/3/allocations');
      expect(r.url.searchParams.get('filter[ip]')).toBe('10.0.0.1');
    }
  });

  test('listAllocations returns exactly the requested page with its pagination', async () => {
    handler = pagedAllocations(10);
    const page = await client.listAllocations(3, { page: 3, perPage: 4 });
    expect(page.items.map((a) => a.id)).toEqual([9, 10]);
    expect(page.pagination).toMatchObject({ total: 10, current_page: 3, total_pages: 3 });
  });

  test('an empty list is one request and no items', async () => {
    handler = pagedAllocations(0);
    expect(await client.listAllAllocations(3)).toEqual([]);
    expect(panel.requests).toHaveLength(1);
  });

  test('a panel that ignores ?page is a contract error, not duplicated items', async () => {
    handler = pagedAllocations(10, true);
    await expect(client.listAllAllocations(3)).rejects.toBeInstanceOf(ProviderContractError);
  });
});

describe('paths and 404 handling', () => {
  test('getServerByExternalId encodes the id and returns the server', async () => {
    handler = () => ({
      status: 200,
      json: { object: 'server', attributes: serverAttributes({ external_id: 'order/1 ä' }) },
    });
    const found = await client.getServerByExternalId('order/1 ä');
    expect(found?.external_id).toBe('order/1 ä');
    expect(panel.requests[0].url.pathname).toBe('/api/application/servers/external/order%2F1%20%C3%A4');
  });

  test('getServerByExternalId returns null on 404', async () => {
    handler = () => notFound;
    expect(await client.getServerByExternalId('order-404')).toBeNull();
  });

  test('getServer still throws not_found on 404', async () => {
    handler = () => notFound;
    await expect(client.getServer(99)).rejects.toMatchObject({ kind: 'not_found', status: 404 });
  });

  test('deleteServer uses /force when asked and reports a 404 as already gone', async () => {
    handler = () => ({ status: 204 });
    expect(await client.deleteServer(7, { force: true })).toBe('deleted');
    handler = () => notFound;
    expect(await client.deleteServer(7)).toBe('already_gone');
    expect(panel.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      'DELETE /api/application/servers/7/force',
      'DELETE /api/application/servers/7',
    ]);
  });

  test('deleteServer rethrows anything other than 404', async () => {
    handler = () => ({ status: 502, json: { errors: [panelError(502, 'DaemonConnectionException', 'Daemon down.')] } });
    await expect(client.deleteServer(7)).rejects.toMatchObject({ kind: 'unavailable', retryable: true });
  });

  test('listServers sends filter[external_id] and paging', async () => {
    handler = () => ({
      status: 200,
      json: {
        object: 'list',
        data: [{ object: 'server', attributes: serverAttributes() }],
        meta: { pagination: { total: 1, count: 1, per_page: 10, current_page: 2, total_pages: 2 } },
      },
    });
    const page = await client.listServers({ page: 2, perPage: 10, filter: { external_id: 'order-1' } });
    expect(page.items[0].external_id).toBe('order-1');
    const q = panel.requests[0].url.searchParams;
    expect([q.get('filter[external_id]'), q.get('page'), q.get('per_page')]).toEqual(['order-1', '2', '10']);
  });

  test('getEgg asks for variables and flattens them', async () => {
    handler = () => ({
      status: 200,
      json: {
        object: 'egg',
        attributes: {
          id: 5,
          uuid: 'u',
          name: 'Paper',
          nest: 1,
          author: 'a',
          description: null,
          docker_image: 'img',
          startup: 'java',
          relationships: {
            variables: {
              object: 'list',
              data: [
                {
                  object: 'egg_variable',
                  attributes: {
                    id: 1,
                    egg_id: 5,
                    name: 'Jar',
                    description: '',
                    env_variable: 'SERVER_JARFILE',
                    default_value: 'server.jar',
                    user_viewable: true,
                    user_editable: true,
                    rules: 'required|string',
                  },
                },
              ],
            },
          },
        },
      },
    });
    const egg = await client.getEgg(1, 5);
    expect(panel.requests[0].url.pathname).toBe('/api/application/nests/1/eggs/5');
    expect(panel.requests[0].url.searchParams.get('include')).toBe('variables');
    expect(egg.variables).toEqual([
      expect.objectContaining({
        env_variable: 'SERVER_JARFILE',
        default_value: 'server.jar',
        rules: 'required|string',
      }),
    ]);
  });
});
