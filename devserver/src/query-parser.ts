import { invalidArgument } from './errors';

export type Value = string | number | boolean;
export type Expr =
  | { op: 'and'; left: Expr; right: Expr }
  | { op: 'or'; left: Expr; right: Expr }
  | { op: 'cmp'; field: string; cmp: string; value: Value }
  | { op: 'in'; field: string; values: Value[]; negate: boolean }
  | { op: 'between'; field: string; low: Value; high: Value }
  | { op: 'null'; field: string; negate: boolean };
export interface ParsedQuery { where?: Expr; orderBy?: { field: string; desc: boolean }; groupBy?: string }

const TOKEN = /\s*(?:(`[^`]*`)|('(?:[^'\\]|\\.)*')|("(?:[^"\\]|\\.)*")|(<=|>=|!=|<>|=|<|>|\(|\)|,)|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+(?:\.\d+)?))/y;

type Tok = { kind: 'ident' | 'str' | 'num' | 'sym'; text: string; quoted?: boolean };

function tokenize(query: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < query.length) {
    if (/^\s*$/.test(query.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(query);
    if (!m) throw invalidArgument(`invalid query: unexpected input at "${query.slice(TOKEN.lastIndex, TOKEN.lastIndex + 20)}"`);
    if (m[1]) out.push({ kind: 'ident', text: m[1].slice(1, -1), quoted: true });
    else if (m[2] || m[3]) out.push({ kind: 'str', text: (m[2] ?? m[3]).slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (m[4]) out.push({ kind: 'sym', text: m[4] });
    else if (m[5]) out.push({ kind: 'ident', text: m[5] });
    else out.push({ kind: 'num', text: m[6] });
  }
  return out;
}

/** Parses the visibility query subset: comparisons, IN, BETWEEN, IS [NOT] NULL, AND/OR, parentheses, ORDER BY, GROUP BY. */
export function parseQuery(query: string | null | undefined): ParsedQuery {
  const toks = tokenize(query ?? '');
  let i = 0;
  const peekWord = (w: string, at = i) => toks[at]?.kind === 'ident' && !toks[at].quoted && toks[at].text.toUpperCase() === w;
  const peekClause = (w: string) => peekWord(w) && peekWord('BY', i + 1);
  const expectSym = (s: string) => {
    if (toks[i]?.text !== s) throw invalidArgument(`invalid query: expected "${s}"`);
    i++;
  };
  const field = () => {
    const t = toks[i++];
    if (!t || t.kind !== 'ident') throw invalidArgument('invalid query: expected a search attribute name');
    return t.text;
  };
  const value = (): Value => {
    const t = toks[i++];
    if (!t) throw invalidArgument('invalid query: expected a value');
    if (t.kind === 'num') return Number(t.text);
    if (t.kind === 'str') return t.text;
    if (t.kind === 'ident' && /^(true|false)$/i.test(t.text)) return t.text.toLowerCase() === 'true';
    throw invalidArgument(`invalid query: unexpected "${t.text}" where a value belongs`);
  };
  const primary = (): Expr => {
    if (toks[i]?.text === '(') {
      i++;
      const e = or();
      expectSym(')');
      return e;
    }
    const f = field();
    const negate = peekWord('NOT') ? (i++, true) : false;
    if (peekWord('IN')) {
      i++;
      expectSym('(');
      const values = [value()];
      while (toks[i]?.text === ',') {
        i++;
        values.push(value());
      }
      expectSym(')');
      return { op: 'in', field: f, values, negate };
    }
    if (peekWord('BETWEEN')) {
      i++;
      const low = value();
      if (!peekWord('AND')) throw invalidArgument('invalid query: BETWEEN needs AND');
      i++;
      return { op: 'between', field: f, low, high: value() };
    }
    if (peekWord('IS')) {
      i++;
      const not = peekWord('NOT') ? (i++, true) : false;
      if (!peekWord('NULL')) throw invalidArgument('invalid query: expected NULL');
      i++;
      return { op: 'null', field: f, negate: not };
    }
    if (peekWord('STARTS_WITH')) {
      i++;
      return { op: 'cmp', field: f, cmp: 'starts_with', value: value() };
    }
    const t = toks[i++];
    if (!t || t.kind !== 'sym' || !['=', '!=', '<>', '<', '<=', '>', '>='].includes(t.text)) {
      throw invalidArgument(`invalid query: expected an operator after ${f}`);
    }
    return { op: 'cmp', field: f, cmp: t.text === '<>' ? '!=' : t.text, value: value() };
  };
  const and = (): Expr => {
    let left = primary();
    while (peekWord('AND')) {
      i++;
      left = { op: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): Expr => {
    let left = and();
    while (peekWord('OR')) {
      i++;
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  const result: ParsedQuery = {};
  if (i < toks.length && !peekClause('ORDER') && !peekClause('GROUP')) result.where = or();
  if (peekClause('GROUP')) {
    i++;
    if (!peekWord('BY')) throw invalidArgument('invalid query: expected BY');
    i++;
    result.groupBy = field();
  }
  if (peekClause('ORDER')) {
    i++;
    if (!peekWord('BY')) throw invalidArgument('invalid query: expected BY');
    i++;
    const f = field();
    const desc = peekWord('DESC') ? (i++, true) : peekWord('ASC') ? (i++, false) : false;
    result.orderBy = { field: f, desc };
  }
  if (i < toks.length) throw invalidArgument(`invalid query: unexpected "${toks[i].text}"`);
  return result;
}
