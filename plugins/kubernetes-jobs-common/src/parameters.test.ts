import {
  DEFAULT_PARAMETER_MAX_LENGTH,
  parameterProblem,
  patternProblem,
} from './parameters';
import { ParameterDeclaration } from './types';

const text = (
  more: Partial<ParameterDeclaration> = {},
): ParameterDeclaration => ({
  name: 'CUSTOMER',
  type: 'string',
  ...more,
});

describe('pattern', () => {
  it('must match the whole value', () => {
    const p = text({ pattern: '[a-z]+-[0-9]+' });
    expect(parameterProblem(p, 'acme-1')).toBeUndefined();
    expect(parameterProblem(p, 'acme-1; rm -rf /')).toBe(
      'must match [a-z]+-[0-9]+',
    );
    expect(parameterProblem(p, 'x acme-1')).toBe('must match [a-z]+-[0-9]+');
    // The whole value, not its first alternative.
    expect(parameterProblem(text({ pattern: 'a|ab' }), 'ab')).toBeUndefined();
    // Anchors an author writes still work, and `$` is the end of the value, not of a line.
    expect(parameterProblem(text({ pattern: '^[a-z ]*$' }), 'a b')).toBe(
      undefined,
    );
    expect(parameterProblem(text({ pattern: '^[a-z]*$' }), 'ab\n')).toBe(
      'must match ^[a-z]*$',
    );
  });

  // Each of these takes a backtracking engine (JavaScript's RegExp) longer than the age of the
  // universe on such a value; a linear-time engine answers in milliseconds.
  const HOSTILE = 'a'.repeat(50_000);
  it.each([
    ['(a+)+$', `${HOSTILE}!`, 'must match (a+)+$'],
    ['(a+)+$', HOSTILE, undefined],
    ['(a|aa)+$', `${HOSTILE}!`, 'must match (a|aa)+$'],
    ['(a|aa)+$', HOSTILE, undefined],
    ['(.*a){20}', `${HOSTILE}!`, 'must match (.*a){20}'],
    ['(.*a){20}', HOSTILE, undefined],
    ['(x+x+)+y', 'x'.repeat(50_000), 'must match (x+x+)+y'],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', `${HOSTILE}!`, expect.any(String)],
  ])(
    'matches %s in linear time',
    (pattern, value, problem) => {
      const p = text({ pattern, maxLength: 100_000 });
      for (let i = 0; i < 5; i++) {
        expect(parameterProblem(p, value)).toEqual(problem);
      }
    },
    60_000,
  );

  it.each([
    ['(a)\\1', 'uses a backreference (`\\1`)'],
    ['(?<x>a)\\k<x>', 'uses a backreference (`\\k`)'],
    ['a(?=b)', 'uses lookaround (`(?=`)'],
    ['a(?!b)', 'uses lookaround (`(?!`)'],
    ['(?<=a)b', 'uses lookaround (`(?<=`)'],
    ['(?<!a)b', 'uses lookaround (`(?<!`)'],
  ])('refuses %s, which needs backtracking', (pattern, why) => {
    expect(patternProblem(pattern)).toBe(
      `${why}, which RE2 syntax does not have: patterns are matched in linear time`,
    );
  });

  it('says why a pattern is not a regular expression', () => {
    expect(patternProblem('(')).toBe(
      'is not a regular expression in RE2 syntax: missing closing ): `(`',
    );
    // Wrapping it in ^(?:...)$ would have made this one valid, and another pattern.
    expect(patternProblem('a)|(b')).toMatch(
      /^is not a regular expression in RE2 syntax: unexpected \)/,
    );
    expect(patternProblem('[a-z]+-[0-9]+')).toBeUndefined();
  });

  it('refuses a value rather than throw when its pattern cannot be used', () => {
    expect(parameterProblem(text({ pattern: '(a)\\1' }), 'aa')).toMatch(
      /^cannot be checked: pattern uses a backreference/,
    );
  });
});

describe('length', () => {
  it(`is at most ${DEFAULT_PARAMETER_MAX_LENGTH} characters unless declared`, () => {
    expect(DEFAULT_PARAMETER_MAX_LENGTH).toBe(4096);
    expect(parameterProblem(text(), 'x'.repeat(4096))).toBeUndefined();
    expect(parameterProblem(text(), 'x'.repeat(4097))).toBe(
      'must be at most 4096 characters',
    );
    expect(
      parameterProblem(text({ pattern: 'x*' }), 'x'.repeat(1_000_000)),
    ).toBe('must be at most 4096 characters');
  });

  it('is what the declaration says when it says', () => {
    expect(
      parameterProblem(text({ maxLength: 10_000 }), 'x'.repeat(10_000)),
    ).toBeUndefined();
    expect(parameterProblem(text({ maxLength: 12 }), 'x'.repeat(13))).toBe(
      'must be at most 12 characters',
    );
    expect(parameterProblem(text({ minLength: 3 }), 'xy')).toBe(
      'must be at least 3 characters',
    );
  });
});
