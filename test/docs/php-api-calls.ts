/** A call of the server-queue API in a PHP snippet: `->get($base . '/v1/orders/' . rawurlencode($id))`. */
export interface PhpApiCall {
  method: string;
  /** The path with each encoded variable as `{}`. */
  path: string;
  /** The name of the body variable (`$payload`), if any. */
  body: string | null;
  /** `$response->json('a.b')` paths read in the same snippet. */
  reads: string[];
  /** Status codes the snippet tells apart (`case 202:`, `->status() === 404`). */
  statuses: number[];
}

export type PhpValue = { [key: string]: PhpValue } | PhpValue[] | 'expression';

export function phpBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```php\n([\s\S]*?)```/g)].map((m) => m[1]);
}

export function apiCalls(php: string): PhpApiCall[] {
  const calls = php.matchAll(
    /->(get|post|put|patch|delete)\(\$base((?:\s*\.\s*(?:'[^']*'|rawurlencode\(\$[\w>-]+\)))+)(?:,\s*\$(\w+))?\)/g,
  );
  const reads = [...php.matchAll(/\$response->json\('([^']+)'\)/g)].map((m) => m[1]);
  const statuses = [
    ...[...php.matchAll(/case (\d{3}):/g)].map((m) => Number(m[1])),
    ...[...php.matchAll(/->status\(\) === (\d{3})/g)].map((m) => Number(m[1])),
  ];
  return [...calls].map((m) => ({
    method: m[1],
    path: [...m[2].matchAll(/'([^']*)'|rawurlencode/g)].map((part) => part[1] ?? '{}').join(''),
    body: m[3] ?? null,
    reads,
    statuses,
  }));
}

/** The literal assigned to `$name = [...]`, keys and nesting kept, other values as 'expression'. */
export function phpArrayLiteral(php: string, name: string): PhpValue {
  const start = php.indexOf(`$${name} = [`);
  if (start < 0) throw new Error(`no $${name} = [...] in the snippet`);
  let at = php.indexOf('[', start);
  const skipSpace = () => {
    while (/[\s,]/.test(php[at]) || php.startsWith('//', at)) {
      if (php.startsWith('//', at)) at = php.indexOf('\n', at);
      else at++;
    }
  };
  const value = (): PhpValue => {
    skipSpace();
    if (php[at] !== '[') {
      let depth = 0;
      while (at < php.length && !(depth === 0 && (php[at] === ',' || php[at] === ']'))) {
        if (php[at] === '(' || php[at] === '[') depth++;
        if (php[at] === ')' || php[at] === ']') depth--;
        at++;
      }
      return 'expression';
    }
    at++;
    const keyed: Record<string, PhpValue> = {};
    const listed: PhpValue[] = [];
    for (skipSpace(); php[at] !== ']'; skipSpace()) {
      const key = /^'([^']*)'\s*=>/.exec(php.slice(at));
      if (key) {
        at += key[0].length;
        keyed[key[1]] = value();
      } else listed.push(value());
    }
    at++;
    return listed.length > 0 ? listed : keyed;
  };
  return value();
}

/** `$event['a']['b']` chains read from the variable `name`. */
export function arrayReads(php: string, name: string): string[][] {
  return [...php.matchAll(new RegExp(`\\$${name}((?:\\['[^']+'\\])+)`, 'g'))].map((m) =>
    [...m[1].matchAll(/'([^']+)'/g)].map((k) => k[1]),
  );
}
