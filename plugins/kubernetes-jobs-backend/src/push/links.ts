import { DefinitionLocation } from '@job-assistant/plugin-kubernetes-jobs-common';

/** The page of a run in the portal, as notifications link to it. */
export function runLink(key: DefinitionLocation, runName: string): string {
  return `/kubernetes-jobs/${encodeURIComponent(
    key.cluster,
  )}/${encodeURIComponent(
    key.namespace,
  )}/${key.kind.toLowerCase()}/${encodeURIComponent(
    key.name,
  )}?run=${encodeURIComponent(runName)}`;
}
