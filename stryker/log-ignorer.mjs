// Stryker ignorer: mutants in log statements change only what a log line says or whether it is written; no test
// asserts log text, so they are skipped and counted as ignored (see README, Mutation testing).
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

function isLogCall(node) {
  if (node?.type !== 'ExpressionStatement' || node.expression.type !== 'CallExpression') return false;
  const callee = node.expression.callee;
  if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return false;
  if (!LEVELS.has(callee.property.name)) return false;
  const target = callee.object;
  const name =
    target.type === 'Identifier' ? target.name : target.type === 'MemberExpression' ? target.property.name : '';
  return name === 'logger' || name === 'log';
}

const onlyLogs = (node) =>
  isLogCall(node) || (node?.type === 'BlockStatement' && node.body.length > 0 && node.body.every(isLogCall));

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'log-statements', {
    shouldIgnore(path) {
      if (isLogCall(path.node)) return 'a log statement: no test asserts log text';
      if (path.isIfStatement() && !path.node.alternate && onlyLogs(path.node.consequent))
        return 'decides only whether a log line is written';
      return undefined;
    },
  }),
];
