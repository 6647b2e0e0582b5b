// API calls with the operator's key from sessionStorage, sent as a Bearer header (never in the URL).
const KEY_NAME = 'server-queue.apiKey';

export const storedKey = () => sessionStorage.getItem(KEY_NAME);
export const storeKey = (key) => sessionStorage.setItem(KEY_NAME, key);
export const forgetKey = () => sessionStorage.removeItem(KEY_NAME);

export class ApiFailure extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details ?? null;
  }
}

/** The failure for a person: message, code and, for a 400, each field and its reason. */
export function failureText(err) {
  const issues = Array.isArray(err.details?.issues) ? err.details.issues : [];
  const fields = issues.map((i) => `${i.field}: ${i.reason}`).join('; ');
  return `${err.message} (${err.code})${fields ? `: ${fields}` : ''}`;
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${storedKey() ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
    redirect: 'error',
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const error = data && data.error ? data.error : {};
    throw new ApiFailure(res.status, error.code ?? 'http_error', error.message ?? `HTTP ${res.status}`, error.details);
  }
  return data;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
