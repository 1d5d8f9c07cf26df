import { containerEnvironment, expandReferences } from './envExpansion';

describe('expandReferences (Kubernetes expansion of command and args)', () => {
  const env = { DAY: '2026-11-30', EMPTY: '' };

  it('replaces $(NAME) with a defined env var, even an empty one', () => {
    expect(expandReferences('day=$(DAY) empty=[$(EMPTY)]', env)).toBe(
      'day=2026-11-30 empty=[]',
    );
  });

  it('leaves references to undefined variables, and shell syntax, as written', () => {
    expect(expandReferences('$(MISSING) $(date +%F) $HOME ${DAY}', env)).toBe(
      '$(MISSING) $(date +%F) $HOME ${DAY}',
    );
  });

  it('reads $$ as an escaped $', () => {
    expect(expandReferences('$$(DAY) costs $$5', env)).toBe('$(DAY) costs $5');
  });
});

describe('containerEnvironment (env values refer to earlier variables)', () => {
  it('expands a value from the variables defined before it, in order', () => {
    const env = containerEnvironment(
      [
        { name: 'FORMAT', value: 'json' },
        { name: 'OUT_FILE', value: '/out/$(FORMAT).txt' },
        { name: 'COPY', value: '$(OUT_FILE).bak' },
      ],
      {},
    );
    expect(env.OUT_FILE).toBe('/out/json.txt');
    expect(env.COPY).toBe('/out/json.txt.bak'); // dependent on a dependent variable
  });

  it('leaves a reference to a later or undefined variable as written, and unescapes $$', () => {
    const env = containerEnvironment(
      [
        { name: 'EARLY', value: '$(LATE)-$(NOWHERE)' },
        { name: 'LATE', value: 'late' },
        { name: 'PRICE', value: '$$(LATE) costs $$5' },
      ],
      {},
    );
    expect(env.EARLY).toBe('$(LATE)-$(NOWHERE)');
    expect(env.PRICE).toBe('$(LATE) costs $5');
  });

  it('replaces a redefined variable with its later value', () => {
    const env = containerEnvironment(
      [
        { name: 'A', value: 'one' },
        { name: 'B', value: '$(A)' },
        { name: 'A', value: 'two' },
      ],
      {},
    );
    expect(env).toEqual({ A: 'two', B: 'one' });
  });
});
