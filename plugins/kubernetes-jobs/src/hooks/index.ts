export { useDefinitions } from './useDefinitions';
export { useDefinitionDetails } from './useDefinitionDetails';
export { useOlderRuns } from './useOlderRuns';
export { useRunEvents } from './useRunEvents';
export { useRunPods } from './useRunPods';
export { useRunLogs } from './useRunLogs';
export { useRunDefinition } from './useRunDefinition';
export { useKillRun } from './useKillRun';
export { useSetSchedule } from './useSetSchedule';
export { useRunRequests } from './useRunRequests';
export { usePendingRunRequests } from './usePendingRunRequests';
export { useRequestRun } from './useRequestRun';
export {
  useCancelRunRequest,
  useDecideRunRequest,
} from './useRunRequestActions';
export type { PolledAsyncState } from './usePolledAsync';
export type { OlderRunsState } from './useOlderRuns';
export type { ActionState } from './useAction';
