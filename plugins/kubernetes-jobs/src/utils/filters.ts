export type {
  DefinitionFilters,
  LastRunFilter,
} from '@job-assistant/plugin-kubernetes-jobs-common';
export {
  distinct,
  filterDefinitions,
} from '@job-assistant/plugin-kubernetes-jobs-common';
