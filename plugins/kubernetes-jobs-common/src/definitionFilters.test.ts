import { DefinitionSummary } from './types';
import { filterDefinitions, matchesLastRun } from './definitionFilters';

const item = (
  name: string,
  extra: Partial<DefinitionSummary['definition']> = {},
  lastRun?: 'Failed' | 'Succeeded',
): DefinitionSummary =>
  ({
    definition: {
      cluster: 'prod',
      namespace: 'shop',
      kind: 'Job',
      name,
      ...extra,
    },
    stats: {
      counts: { total: 0, active: 0, succeeded: 0, failed: 0, killed: 0 },
      ...(lastRun ? { lastRun: { state: lastRun } } : {}),
    },
  } as DefinitionSummary);

describe('the Jobs page filters', () => {
  const items = [
    item('orders-export', { description: 'Export the Orders' }, 'Failed'),
    item('orders-import', { entityOwnerRef: 'group:default/team-shop' }),
    item('mail-export', { namespace: 'marketing' }, 'Succeeded'),
  ];
  const names = (filters: object) =>
    filterDefinitions(items, filters).map(i => i.definition.name);

  it('needs every word of a search, in any case, anywhere in the words shown', () => {
    expect(names({ search: 'ORDERS  export' })).toEqual(['orders-export']);
    expect(names({ search: 'export' })).toEqual([
      'orders-export',
      'mail-export',
    ]);
    expect(names({ search: 'team-shop' })).toEqual(['orders-import']);
    expect(names({ search: 'nothing' })).toEqual([]);
  });

  it('filters by namespace, owner and last run, "never" for none', () => {
    expect(names({ namespace: 'marketing' })).toEqual(['mail-export']);
    expect(names({ owner: 'group:default/team-shop' })).toEqual([
      'orders-import',
    ]);
    expect(names({ state: 'never' })).toEqual(['orders-import']);
    expect(names({ state: 'Failed', search: 'orders' })).toEqual([
      'orders-export',
    ]);
    expect(matchesLastRun(undefined, undefined)).toBe(true);
  });
});
