import { RunState } from './types';

/**
 * The one rule for "still going": a run in this state may still change, can be followed and
 * killed, and holds its definition's one-active-run slot. Backend and frontend both use it.
 *
 * @public
 */
export function isActiveState(state: RunState | undefined): boolean {
  return state === 'Pending' || state === 'Running';
}

/**
 * How far a state has come: Pending, then Running, then one of the final states. History only
 * moves a run forward, so a late or repeated observation never undoes a newer one.
 *
 * @public
 */
export function runStateRank(state: RunState): number {
  switch (state) {
    case 'Pending':
      return 0;
    case 'Running':
      return 1;
    default:
      return 2;
  }
}
