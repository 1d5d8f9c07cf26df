import { expandReferences } from './kubelet';

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
