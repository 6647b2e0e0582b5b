import { createEggCatalog } from '../../src/activities/eggs';
import type { EggVariable, EggWithVariables } from '../../src/provider';
import { paperOrder, rejectionOf } from './panel-harness';

const variable = (env: string, overrides: Partial<EggVariable> = {}): EggVariable => ({
  id: env.length,
  name: env.toLowerCase(),
  env_variable: env,
  default_value: `${env.toLowerCase()}-default`,
  user_editable: true,
  rules: 'nullable|string|max:40',
  ...overrides,
});

const egg: EggWithVariables = {
  id: 5,
  uuid: 'egg-5',
  name: 'Vanilla',
  nest: 1,
  description: null,
  docker_image: 'ghcr.io/pterodactyl/yolks:java_17',
  startup: 'java -jar {{SERVER_JARFILE}}',
  variables: [
    variable('SERVER_JARFILE'),
    variable('VERSION', { default_value: null }),
    variable('BUILD', { user_editable: false }),
    variable('MOTD', { rules: 'required|string|in:hello,bye', default_value: 'hello' }),
  ],
};

describe('the egg catalog', () => {
  const catalog = createEggCatalog({ findEgg: async (id) => (id === egg.id ? egg : undefined) });

  it('finds an egg by id, and fails for good naming an egg no nest has', async () => {
    expect(await catalog.find(5)).toBe(egg);
    const err = await rejectionOf(catalog.find(99));
    expect(err).toMatchObject({ type: 'EggNotFound', nonRetryable: true });
    expect(err.message).toBe('egg 99 does not exist on the panel');
  });

  it("overlays the order's values on the egg's defaults, leaving out a variable without one", () => {
    const order = paperOrder('eggs-1', { environment: { SERVER_JARFILE: 'paper.jar', VERSION: '1.21' } });
    expect(catalog.environmentOf(egg, order)).toEqual({
      SERVER_JARFILE: 'paper.jar',
      VERSION: '1.21',
      BUILD: 'build-default',
      MOTD: 'hello',
    });
    expect(catalog.environmentOf(egg, paperOrder('eggs-2', { environment: undefined }))).toEqual({
      SERVER_JARFILE: 'server_jarfile-default',
      BUILD: 'build-default',
      MOTD: 'hello',
    });
  });

  it('refuses for good, naming each variable with its rule, and lists the issues in the details', async () => {
    const order = paperOrder('eggs-3', { environment: { BUILD: '7', NOPE: 'x' } });
    const err = await rejectionOf(Promise.resolve().then(() => catalog.environmentOf(egg, order)));
    expect(err).toMatchObject({
      type: 'InvalidEnvironment',
      nonRetryable: true,
      details: [
        {
          issues: [
            { variable: 'BUILD', rule: 'user_editable', message: 'The build variable is not user-editable.' },
            { variable: 'NOPE', rule: 'defined', message: 'The egg has no variable NOPE.' },
          ],
        },
      ],
    });
    expect(err.message).toBe("the egg's rules refuse the order's variables: BUILD (user_editable), NOPE (defined)");
  });

  it("checks the egg's own rule for a value", async () => {
    const order = paperOrder('eggs-4', { environment: { MOTD: 'welcome' } });
    const err = await rejectionOf(Promise.resolve().then(() => catalog.environmentOf(egg, order)));
    expect(err.message).toBe("the egg's rules refuse the order's variables: MOTD (in)");
  });

  it('lets an admin-only variable through when the operator allows it', () => {
    const lenient = createEggCatalog({ findEgg: async () => egg }, { allowAdminOnly: true });
    const order = paperOrder('eggs-5', { environment: { BUILD: '7' } });
    expect(lenient.environmentOf(egg, order)).toMatchObject({ BUILD: '7' });
  });
});
