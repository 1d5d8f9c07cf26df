import { LabelSelector } from './labelSelector';

describe('LabelSelector', () => {
  const labels = {
    'backstage.io/kubernetes-id': 'shop',
    env: 'prod',
    tier: 'db',
  };

  it.each([
    ['backstage.io/kubernetes-id=shop', true],
    ['backstage.io/kubernetes-id==shop', true],
    ['backstage.io/kubernetes-id=cart', false],
    ['env!=prod', false],
    ['missing!=x', true], // != matches objects without the label, as in Kubernetes
    ['tier in (db, cache)', true],
    ['tier notin (db)', false],
    ['missing notin (db)', true],
    ['env', true],
    ['!env', false],
    ['!missing', true],
    ['env=prod,tier=db', true],
    ['env=prod,tier=web', false],
    ['', true],
  ])('%s -> %s', (selector, expected) => {
    expect(LabelSelector.parse(selector).matches(labels)).toBe(expected);
  });

  it('accepts an empty value, which matches a label set to the empty string', () => {
    expect(LabelSelector.parse('env=').matches({ env: '' })).toBe(true);
    expect(LabelSelector.parse('env=').matches({ env: 'prod' })).toBe(false);
  });

  it.each(['in (a)', 'env in a', 'Env Name=x', 'a=b c'])(
    'rejects %s with a message naming it',
    selector => {
      expect(() => LabelSelector.parse(selector)).toThrow(
        `Invalid label selector '${selector}'`,
      );
    },
  );
});
