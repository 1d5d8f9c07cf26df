import { ApiError } from './errors';
import {
  matchesLabels,
  matchesSelectorObject,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

function parseError(selector: string): ApiError {
  try {
    parseLabelSelector(selector);
  } catch (e) {
    return e as ApiError;
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
    ['app in (cart),env=prod', false],
    ['app notin (shop)', false],
    ['missing notin (shop)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=shop,env=dev', false],
    ['backstage.io/kubernetes-id=shop', false],
    ['', true],
  ])('%s -> %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('answers a malformed selector with a 400', () => {
    for (const selector of [
      'app in (shop',
      'app in shop',
      'app=shop,',
      'app shop',
      'bad key=x',
      'app=a b',
    ]) {
      expect(parseError(selector).code).toBe(400);
    }
  });

  it('matches Job selectors (matchLabels and matchExpressions)', () => {
    const selector = {
      matchLabels: { app: 'shop' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod'] },
        { key: 'debug', operator: 'DoesNotExist' },
      ],
    };
    expect(matchesSelectorObject(selector, labels)).toBe(true);
    expect(matchesSelectorObject(selector, { app: 'shop' })).toBe(false);
    expect(matchesSelectorObject({}, labels)).toBe(true);
  });
});

describe('field selectors', () => {
  it('accepts supported fields and rejects others', () => {
    const supported = ['metadata.name'];
    expect(
      parseFieldSelector('metadata.name=a,metadata.name!=b', supported, 'Job'),
    ).toEqual([
      { field: 'metadata.name', negated: false, value: 'a' },
      { field: 'metadata.name', negated: true, value: 'b' },
    ]);
    expect(() =>
      parseFieldSelector('spec.suspend=true', supported, 'Job'),
    ).toThrow('field label "spec.suspend" not supported for Job');
  });
});
