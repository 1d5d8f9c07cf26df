import { DefinitionInvalidError } from '../errors';
import { declaredParameters, valuesForRun } from './parameters';

const DECLARATION = `
- name: EXPORT_DATE
  type: date
  required: true
- name: FORMAT
  type: enum
  options: [csv, json]
  default: csv
- name: LIMIT
  type: integer
  minimum: 1
  maximum: 100
- name: DRY_RUN
  type: boolean
- name: CUSTOMER
  type: string
  pattern: "[a-z]+-[0-9]+"
  maxLength: 12
- name: RATIO
  type: number
  maximum: 1
`;

describe('declaredParameters', () => {
  it('reads a YAML or JSON list', () => {
    const yaml = declaredParameters(DECLARATION);
    expect(yaml.parameters?.map(p => p.name)).toEqual([
      'EXPORT_DATE',
      'FORMAT',
      'LIMIT',
      'DRY_RUN',
      'CUSTOMER',
      'RATIO',
    ]);
    const json = declaredParameters(
      JSON.stringify([{ name: 'A', type: 'string' }]),
    );
    expect(json.parameters).toEqual([{ name: 'A', type: 'string' }]);
    expect(declaredParameters(undefined)).toEqual({ parameters: [] });
  });

  it.each([
    ['name: [', /not YAML or JSON/],
    ['{ "name": "A" }', /must be a list of parameters/],
    ['[{ name: A, type: colour }]', /parameter A: type Invalid enum value/],
    ['[{ name: 1A, type: string }]', /must be an environment variable name/],
    [
      '[{ name: A, type: string }, { name: A, type: number }]',
      /A is declared twice/,
    ],
    ['[{ name: A, type: enum }]', /an enum needs options/],
    [
      '[{ name: A, type: string, pattern: "(" }]',
      /pattern is not a regular expression/,
    ],
    [
      JSON.stringify([{ name: 'A', type: 'string', pattern: '(a)\\1' }]),
      'parameter A: pattern uses a backreference (`\\1`), which RE2 syntax does not have: patterns are matched in linear time',
    ],
    [
      JSON.stringify([{ name: 'A', type: 'string', pattern: '(?!x).*' }]),
      /parameter A: pattern uses lookaround \(`\(\?!`\)/,
    ],
    [
      '[{ name: A, type: integer, default: 1.5 }]',
      /default must be a whole number/,
    ],
    ['[{ name: A, type: string, colour: red }]', /Unrecognized key/],
  ])('says why %s cannot be used', (annotation, why) => {
    const declared = declaredParameters(annotation);
    expect(declared.parameters).toBeUndefined();
    expect(declared.error).toMatch(/^parameters annotation invalid: /);
    expect(declared.error).toMatch(why);
  });
});

describe('valuesForRun', () => {
  const declared = declaredParameters(DECLARATION);

  it('fills defaults and keeps what is given', () => {
    expect(
      valuesForRun(declared, { EXPORT_DATE: '2026-11-30', DRY_RUN: true }),
    ).toEqual({ EXPORT_DATE: '2026-11-30', FORMAT: 'csv', DRY_RUN: true });
  });

  it.each([
    [{}, 'parameters.EXPORT_DATE: required'],
    [
      { EXPORT_DATE: '2026-02-30' },
      'parameters.EXPORT_DATE: is not a real date',
    ],
    [
      { EXPORT_DATE: '30/11/2026' },
      'parameters.EXPORT_DATE: must be a date as YYYY-MM-DD',
    ],
    [
      { EXPORT_DATE: '2026-11-30', FORMAT: 'xml' },
      'parameters.FORMAT: must be one of csv, json',
    ],
    [
      { EXPORT_DATE: '2026-11-30', LIMIT: 0 },
      'parameters.LIMIT: must be at least 1',
    ],
    [
      { EXPORT_DATE: '2026-11-30', LIMIT: 2.5 },
      'parameters.LIMIT: must be a whole number',
    ],
    [
      { EXPORT_DATE: '2026-11-30', LIMIT: '5' },
      'parameters.LIMIT: must be a number',
    ],
    [
      { EXPORT_DATE: '2026-11-30', DRY_RUN: 'yes' },
      'parameters.DRY_RUN: must be true or false',
    ],
    [
      { EXPORT_DATE: '2026-11-30', CUSTOMER: 'acme' },
      'parameters.CUSTOMER: must match [a-z]+-[0-9]+',
    ],
    [
      { EXPORT_DATE: '2026-11-30', CUSTOMER: 'acme-1; rm -rf' },
      'parameters.CUSTOMER: must be at most 12 characters',
    ],
    [
      { EXPORT_DATE: '2026-11-30', RATIO: 2 },
      'parameters.RATIO: must be at most 1',
    ],
    [
      { EXPORT_DATE: '2026-11-30', COLOUR: 'red' },
      'parameters.COLOUR: unknown parameter; this Job takes EXPORT_DATE, FORMAT, LIMIT, DRY_RUN, CUSTOMER, RATIO',
    ],
  ])('refuses %j: %s', (given, message) => {
    expect(() => valuesForRun(declared, given as any)).toThrow(message);
  });

  it('bounds a string without its own maxLength to 4096 characters', () => {
    const note = declaredParameters('[{ name: NOTE, type: string }]');
    expect(valuesForRun(note, { NOTE: 'x'.repeat(4096) })).toEqual({
      NOTE: 'x'.repeat(4096),
    });
    expect(() => valuesForRun(note, { NOTE: 'x'.repeat(4097) })).toThrow(
      'parameters.NOTE: must be at most 4096 characters',
    );
    expect(
      declaredParameters(
        JSON.stringify([
          { name: 'A', type: 'string', default: 'x'.repeat(4097) },
        ]),
      ).error,
    ).toBe(
      'parameters annotation invalid: parameter A: default must be at most 4096 characters',
    );
  });

  it('refuses any value for a definition without parameters', () => {
    expect(() =>
      valuesForRun(declaredParameters(undefined), { A: 'x' }),
    ).toThrow('parameters.A: this Job takes no parameters');
  });

  it('will not run a definition whose declaration is broken (422)', () => {
    expect(() => valuesForRun(declaredParameters('name: ['), {})).toThrow(
      DefinitionInvalidError,
    );
  });
});
