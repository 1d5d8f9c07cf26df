import { ResponseError } from '@backstage/errors';

/** A failure said in words a portal user understands. */
export interface ErrorDescription {
  title: string;
  message: string;
  statusCode?: number;
}

type Action =
  | 'run'
  | 'request'
  | 'decide'
  | 'cancel'
  | 'kill'
  | 'load'
  | 'history'
  | 'schedule';

const TITLES: Record<Action, Record<number, string>> = {
  run: {
    403: 'You are not allowed to run this Job',
    404: 'This Job no longer exists',
    409: 'The run was not started',
  },
  request: {
    403: 'You are not allowed to ask for runs of this Job',
    404: 'This Job no longer exists',
    409: 'The run was not asked for',
  },
  decide: {
    403: 'You cannot decide on this run',
    404: 'This request no longer exists',
    409: 'This run no longer waits for a decision',
  },
  cancel: {
    403: 'You are not allowed to cancel this run',
    404: 'This request no longer exists',
    409: 'This run can no longer be cancelled',
  },
  kill: {
    403: 'You are not allowed to stop this run',
    404: 'This run no longer exists',
    409: 'The run could not be stopped',
  },
  load: {
    403: 'You are not allowed to see these Jobs',
    404: 'Not found',
  },
  history: {
    403: 'You are not allowed to see older runs',
    404: 'This Job no longer exists',
  },
  schedule: {
    403: 'You are not allowed to change this schedule',
    404: 'This Job no longer exists',
    409: 'This schedule cannot be changed from the portal',
  },
};

const DEFAULT_TITLES = {
  run: 'The run could not be started',
  request: 'The run could not be asked for',
  decide: 'Your decision could not be saved',
  cancel: 'The run could not be cancelled',
  kill: 'The run could not be stopped',
  load: 'The Jobs could not be loaded',
  history: 'Older runs could not be loaded',
  schedule: 'The schedule could not be changed',
};

/** Turns an error from the backend into a title and the backend's own explanation. */
export function describeError(error: Error, action: Action): ErrorDescription {
  if (ResponseError.is(error)) {
    // ResponseError's own message is "Request failed with 409 Conflict"; the useful
    // explanation is the backend's message, carried as the error's cause.
    return {
      title: TITLES[action][error.statusCode] ?? DEFAULT_TITLES[action],
      message: error.cause.message || error.message,
      statusCode: error.statusCode,
    };
  }
  return { title: DEFAULT_TITLES[action], message: error.message };
}

/**
 * Whether the backend refused for a reason that trying again will not change: not allowed
 * (403), gone (404), or in conflict with the state of the run (409).
 */
export function isRefusal(error: Error): boolean {
  return ResponseError.is(error) && [403, 404, 409].includes(error.statusCode);
}
