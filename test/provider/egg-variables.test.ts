import { orderVariableIssues, type EggVariableRules } from '../../src/provider/validation/egg-variables';

const variable = (env: string, rules: string, extra: Partial<EggVariableRules> = {}): EggVariableRules => ({
  name: env.toLowerCase().replace(/_/g, ' '),
  env_variable: env,
  default_value: null,
  user_editable: true,
  rules,
  ...extra,
});

const EGG = [
  variable('SERVER_JARFILE', 'required|regex:/^([\\w\\d._-]+)(\\.jar)$/', { default_value: 'server.jar' }),
  variable('MAX_PLAYERS', 'nullable|integer|min:1|max:500', { default_value: '20' }),
  variable('DL_PATH', 'nullable|string', { user_editable: false }),
  variable('WORLD_SEED', 'required|string'),
];
const refuse = { allowAdminOnly: false };

describe("order variables against the egg's rules", () => {
  it('accepts user-editable values that pass their rules, with the defaults filling the rest', () => {
    expect(orderVariableIssues(EGG, { MAX_PLAYERS: '64', WORLD_SEED: 'abc' }, refuse)).toEqual([]);
  });

  it('names the variable and the failed rule, with the panel message', () => {
    expect(orderVariableIssues(EGG, { MAX_PLAYERS: '501', SERVER_JARFILE: 'a b', WORLD_SEED: 'x' }, refuse)).toEqual([
      { variable: 'SERVER_JARFILE', rule: 'regex', message: 'The server jarfile variable format is invalid.' },
      { variable: 'MAX_PLAYERS', rule: 'max', message: 'The max players variable may not be greater than 500.' },
    ]);
  });

  it('refuses a required variable the order leaves out when the egg has no default', () => {
    expect(orderVariableIssues(EGG, {}, refuse)).toEqual([
      { variable: 'WORLD_SEED', rule: 'required', message: 'The world seed variable field is required.' },
      { variable: 'WORLD_SEED', rule: 'string', message: 'The world seed variable must be a string.' },
    ]);
  });

  it('refuses unknown and admin-only variables before any rule, and allows admin-only ones when told to', () => {
    const environment = { DL_PATH: 'https://evil.example/x.jar', constructor: 'x', WORLD_SEED: 's' };
    expect(orderVariableIssues(EGG, environment, refuse).map((i) => [i.variable, i.rule])).toEqual([
      ['DL_PATH', 'user_editable'],
      ['constructor', 'defined'],
    ]);
    expect(
      orderVariableIssues(EGG, { DL_PATH: 'https://ok.example/x.jar', WORLD_SEED: 's' }, { allowAdminOnly: true }),
    ).toEqual([]);
  });

  it('treats a variable without user_editable as admin-only', () => {
    const egg = [variable('PORT_RANGE', 'nullable|string', { user_editable: undefined })];
    expect(orderVariableIssues(egg, { PORT_RANGE: '1-2' }, refuse)).toEqual([
      { variable: 'PORT_RANGE', rule: 'user_editable', message: 'The port range variable is not user-editable.' },
    ]);
  });

  it('never reads a value from the prototype of the order environment', () => {
    const egg = [variable('toString', 'required|string')];
    expect(orderVariableIssues(egg, {}, refuse).map((i) => i.rule)).toEqual(['required', 'string']);
  });
});
