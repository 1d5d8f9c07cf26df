import { ApiError } from './errors';
import {
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

function parseError(selector: string): string {
  try {
    parseLabelSelector(selector);
  } catch (e) {
    return (e as ApiError).status.message!;
  }
  throw new Error(`${selector} parsed`);
}

describe('label selectors', () => {
  const labels = { app: 'shop', env: 'prod', tier: '3' };

  it.each([
    ['app=shop', true],
    ['app==shop', true],
    ['app!=shop', false],
    ['missing!=x', true],
    ['app in (shop, cart)', true],
    ['app notin (shop)', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=shop,env=dev', false],
    ['tier>2', true],
    ['tier<2', false],
    ['', true],
  ])('%s -> %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('reports parse errors like labels.Parse', () => {
    expect(parseError('app in (shop')).toBe(
      "unable to parse requirement: found '', expected: ',' or ')'",
    );
    expect(parseError('app in shop')).toBe(
      "unable to parse requirement: found 'shop' expected: '('",
    );
    expect(parseError('app=shop,')).toBe(
      "found '', expected: identifier after ','",
    );
    expect(parseError('app shop')).toBe(
      "unable to parse requirement: found 'shop', expected: in, notin, =, ==, !=, gt, lt",
    );
    expect(parseError('bad key=x')).toMatch(/^unable to parse requirement/);
  });
});

describe('field selectors', () => {
  it('accepts supported fields and rejects others', () => {
    const supported = (f: string) => f === 'metadata.name';
    expect(
      parseFieldSelector('metadata.name=a,metadata.name!=b', supported, 'Job'),
    ).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a' },
      { field: 'metadata.name', operator: '!=', value: 'b' },
    ]);
    expect(() =>
      parseFieldSelector('spec.suspend=true', supported, 'Job'),
    ).toThrow('field label "spec.suspend" not supported for Job');
  });
});
