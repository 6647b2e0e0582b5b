import { validate } from '../../src/provider/validation/validator';

describe('panel validation: the Laravel rule subset the panel and the service apply', () => {
  it('reports required for missing and null values, once per rule that fails', () => {
    expect(validate({}, { a: 'required|string' })).toEqual([
      { field: 'a', rule: 'required', message: 'The a field is required.' },
    ]);
    expect(validate({ a: null }, { a: 'required|string' }).map((i) => i.rule)).toEqual(['required', 'string']);
  });

  it('skips other rules for null with nullable, and for absent fields with sometimes', () => {
    expect(validate({ a: null }, { a: 'nullable|integer|min:1' })).toEqual([]);
    expect(validate({}, { a: 'sometimes|boolean' })).toEqual([]);
    expect(validate({ a: 'x' }, { a: 'sometimes|boolean' }).map((i) => i.rule)).toEqual(['boolean']);
  });

  it('measures min/max/between by number, string length or item count', () => {
    expect(validate({ a: '1234' }, { a: 'string|max:3' })[0].message).toBe(
      'The a may not be greater than 3 characters.',
    );
    expect(validate({ a: '1234' }, { a: 'integer|max:3' })[0].message).toBe('The a may not be greater than 3.');
    expect(validate({ a: [1, 2] }, { a: 'array|min:3' })[0].message).toBe('The a must have at least 3 items.');
    expect(validate({ io: 5 }, { io: 'numeric|between:10,1000' })[0].message).toBe(
      'The io must be between 10 and 1000.',
    );
  });

  it('accepts numeric strings for integer and numeric, but not for string', () => {
    expect(validate({ a: '42', b: '1.5' }, { a: 'integer', b: 'numeric' })).toEqual([]);
    expect(validate({ a: 1.5 }, { a: 'integer' }).map((i) => i.rule)).toEqual(['integer']);
    expect(validate({ a: 20 }, { a: 'string' }).map((i) => i.rule)).toEqual(['string']);
  });

  it('checks in, regex and present', () => {
    expect(validate({ d: 'hard' }, { d: 'in:easy,hard' })).toEqual([]);
    expect(validate({ d: 'x' }, { d: 'in:easy,hard' })[0].message).toBe('The selected d is invalid.');
    expect(validate({ j: 'a.jar' }, { j: 'regex:/^([\\w\\d._-]+)(\\.jar)$/' })).toEqual([]);
    expect(validate({ j: 'a.zip' }, { j: 'regex:/^([\\w\\d._-]+)(\\.jar)$/' })[0].rule).toBe('regex');
    expect(validate({}, { p: 'present|nullable' })[0].message).toBe('The p field must be present.');
  });

  it('applies required_with / required_without against other fields', () => {
    const rules = { 'limits.memory': 'required_with:limits|numeric', memory: 'required_without:limits|numeric' };
    expect(validate({ limits: { cpu: 1 } }, rules).map((i) => i.field)).toEqual(['limits.memory']);
    expect(validate({}, rules).map((i) => i.field)).toEqual(['memory']);
    expect(validate({ memory: 5 }, rules)).toEqual([]);
  });

  it('expands wildcards over list items', () => {
    const issues = validate({ ids: [1, 'x', 3] }, { 'ids.*': 'integer' });
    expect(issues).toEqual([{ field: 'ids.1', rule: 'integer', message: 'The ids.1 must be an integer.' }]);
  });

  it('runs custom exists/unique checks only when earlier rules passed', () => {
    const check = jest.fn(() => false);
    expect(validate({ a: 'x' }, { a: ['integer', { name: 'exists', passes: check }] }).map((i) => i.rule)).toEqual([
      'integer',
    ]);
    expect(check).not.toHaveBeenCalled();
    expect(validate({ a: 3 }, { a: ['integer', { name: 'exists', passes: check }] })[0].message).toBe(
      'The selected a is invalid.',
    );
  });
});
