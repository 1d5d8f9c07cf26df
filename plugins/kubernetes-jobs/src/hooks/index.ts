export { useDefinitions } from './useDefinitions';
export { useDefinitionDetails } from './useDefinitionDetails';
export { useRunEvents } from './useRunEvents';
export { useRunPods } from './useRunPods';
export { useRunLogs } from './useRunLogs';
export { useRunDefinition } from './useRunDefinition';
export { useKillRun } from './useKillRun';
export type { PolledAsyncState } from './usePolledAsync';
export type { ActionState } from './useAction';
