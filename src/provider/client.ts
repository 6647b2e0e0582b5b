import type { z } from 'zod';
import { ProviderContractError, isProviderError } from './errors';
import { createHttp, type Http, type HttpOptions, type QueryValue } from './http';
import type {
  AllocationFilter,
  CreateServerBody,
  PageOptions,
  ServerFilter,
  UpdateBuildBody,
  UpdateDetailsBody,
  UpdateStartupBody,
} from './requests';
import {
  allocationSchema,
  collectionOf,
  eggWithVariablesSchema,
  itemOf,
  listOf,
  locationSchema,
  nestSchema,
  nodeSchema,
  serverSchema,
  type Allocation,
  type EggWithVariables,
  type Location,
  type Nest,
  type Page,
  type PanelNode,
  type Server,
} from './schemas';

export type DeleteOutcome = 'deleted' | 'already_gone';

/** Typed Pterodactyl Application API. Every method throws ProviderError (see errors.ts) on failure. */
export interface PterodactylClient {
  /** All nodes, every page. */
  listNodes(): Promise<PanelNode[]>;
  getNode(id: number): Promise<PanelNode>;
  /** One page of a node's allocations. */
  listAllocations(nodeId: number, options?: PageOptions & { filter?: AllocationFilter }): Promise<Page<Allocation>>;
  /** All of a node's allocations matching `filter`, every page. */
  listAllAllocations(nodeId: number, options?: { filter?: AllocationFilter }): Promise<Allocation[]>;
  /** All locations, every page. */
  listLocations(): Promise<Location[]>;
  /** All nests, every page. */
  listNests(): Promise<Nest[]>;
  /** All eggs of a nest with their variables (the panel does not paginate this collection). */
  listEggs(nestId: number): Promise<EggWithVariables[]>;
  getEgg(nestId: number, eggId: number): Promise<EggWithVariables>;
  /** POST /servers. A timeout or 5xx may still have created the server: reconcile with getServerByExternalId. */
  createServer(body: CreateServerBody): Promise<Server>;
  getServer(id: number): Promise<Server>;
  /** The idempotency look-up: the server created for `externalId`, or null when the panel answers 404. */
  getServerByExternalId(externalId: string): Promise<Server | null>;
  /** One page of servers. Filters are substring matches, as in the panel: use getServerByExternalId for exact look-ups. */
  listServers(options?: PageOptions & { filter?: ServerFilter }): Promise<Page<Server>>;
  updateDetails(id: number, body: UpdateDetailsBody): Promise<Server>;
  updateBuild(id: number, body: UpdateBuildBody): Promise<Server>;
  updateStartup(id: number, body: UpdateStartupBody): Promise<Server>;
  suspend(id: number): Promise<void>;
  unsuspend(id: number): Promise<void>;
  reinstall(id: number): Promise<void>;
  /** DELETE /servers/{id} (or /force); a 404 means it is already gone and is reported as such, not thrown. */
  deleteServer(id: number, options?: { force?: boolean }): Promise<DeleteOutcome>;
}

export type PterodactylClientOptions = HttpOptions & {
  /** Page size used when a method reads every page; default 100. */
  allPagesPerPage?: number;
};

const MAX_PAGES = 10_000;

const segment = (id: number): string => {
  if (!Number.isSafeInteger(id) || id <= 0) throw new TypeError(`invalid panel id: ${String(id)}`);
  return String(id);
};

const filterQuery = (filter: object | undefined): Record<string, QueryValue> =>
  Object.fromEntries(Object.entries(filter ?? {}).map(([k, v]) => [`filter[${k}]`, v as QueryValue]));

function pager<T>(
  http: Http,
  path: string,
  attributes: z.ZodType<T>,
  object: string,
  query: Record<string, QueryValue> = {},
) {
  const schema = listOf(object, attributes);
  const page = async (options: PageOptions = {}): Promise<Page<T>> => {
    const res = await http.json(
      { method: 'GET', path, query: { ...query, page: options.page, per_page: options.perPage } },
      schema,
    );
    return { items: res.data.map((d) => d.attributes as T), pagination: res.meta.pagination };
  };
  const all = async (perPage: number): Promise<T[]> => {
    const items: T[] = [];
    for (let n = 1; n <= MAX_PAGES; n++) {
      const { items: batch, pagination } = await page({ page: n, perPage });
      if (pagination.current_page !== n) {
        throw new ProviderContractError({
          method: 'GET',
          path,
          status: 200,
          issues: [`asked page ${n}, got ${pagination.current_page}`],
        });
      }
      items.push(...batch);
      if (n >= pagination.total_pages || batch.length === 0) return items;
    }
    throw new ProviderContractError({ method: 'GET', path, status: 200, issues: [`more than ${MAX_PAGES} pages`] });
  };
  return { page, all };
}

/** Builds a client for one panel and API key. Throws synchronously on an invalid base URL, key or timeout. */
export function createPterodactylClient(options: PterodactylClientOptions): PterodactylClient {
  const http = createHttp(options);
  const perPage = options.allPagesPerPage ?? 100;
  const server = itemOf('server', serverSchema);
  const getServerItem = async (spec: Parameters<Http['json']>[0]) => (await http.json(spec, server)).attributes;

  return {
    listNodes: async () => pager(http, '/nodes', nodeSchema, 'node').all(perPage),
    getNode: async (id) =>
      (await http.json({ method: 'GET', path: `/nodes/${segment(id)}` }, itemOf('node', nodeSchema))).attributes,
    listAllocations: async (nodeId, { filter, ...page } = {}) =>
      pager(http, `/nodes/${segment(nodeId)}/allocations`, allocationSchema, 'allocation', filterQuery(filter)).page(
        page,
      ),
    listAllAllocations: async (nodeId, { filter } = {}) =>
      pager(http, `/nodes/${segment(nodeId)}/allocations`, allocationSchema, 'allocation', filterQuery(filter)).all(
        perPage,
      ),
    listLocations: async () => pager(http, '/locations', locationSchema, 'location').all(perPage),
    listNests: async () => pager(http, '/nests', nestSchema, 'nest').all(perPage),
    listEggs: async (nestId) => {
      const spec = { method: 'GET' as const, path: `/nests/${segment(nestId)}/eggs`, query: { include: 'variables' } };
      return (await http.json(spec, collectionOf('egg', eggWithVariablesSchema))).data.map((d) => d.attributes);
    },
    getEgg: async (nestId, eggId) => {
      const path = `/nests/${segment(nestId)}/eggs/${segment(eggId)}`;
      return (
        await http.json({ method: 'GET', path, query: { include: 'variables' } }, itemOf('egg', eggWithVariablesSchema))
      ).attributes;
    },
    createServer: async (body) => getServerItem({ method: 'POST', path: '/servers', body }),
    getServer: async (id) => getServerItem({ method: 'GET', path: `/servers/${segment(id)}` }),
    getServerByExternalId: async (externalId) => {
      if (externalId === '') throw new TypeError('externalId must not be empty');
      try {
        return await getServerItem({ method: 'GET', path: `/servers/external/${encodeURIComponent(externalId)}` });
      } catch (err) {
        if (isProviderError(err) && err.kind === 'not_found') return null;
        throw err;
      }
    },
    listServers: async ({ filter, ...page } = {}) =>
      pager(http, '/servers', serverSchema, 'server', filterQuery(filter)).page(page),
    updateDetails: async (id, body) =>
      getServerItem({ method: 'PATCH', path: `/servers/${segment(id)}/details`, body }),
    updateBuild: async (id, body) => getServerItem({ method: 'PATCH', path: `/servers/${segment(id)}/build`, body }),
    updateStartup: async (id, body) =>
      getServerItem({ method: 'PATCH', path: `/servers/${segment(id)}/startup`, body }),
    suspend: async (id) => http.noContent({ method: 'POST', path: `/servers/${segment(id)}/suspend` }),
    unsuspend: async (id) => http.noContent({ method: 'POST', path: `/servers/${segment(id)}/unsuspend` }),
    reinstall: async (id) => http.noContent({ method: 'POST', path: `/servers/${segment(id)}/reinstall` }),
    deleteServer: async (id, { force = false } = {}) => {
      try {
        await http.noContent({ method: 'DELETE', path: `/servers/${segment(id)}${force ? '/force' : ''}` });
        return 'deleted';
      } catch (err) {
        if (isProviderError(err) && err.kind === 'not_found') return 'already_gone';
        throw err;
      }
    },
  };
}
