import {
  DefinitionKind,
  DefinitionLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/** The path of a definition's detail view, relative to the list that links to it. */
export function definitionPath(definition: DefinitionLocation): string {
  return [
    definition.cluster,
    definition.namespace,
    definition.kind.toLocaleLowerCase('en-US'),
    definition.name,
  ]
    .map(encodeURIComponent)
    .join('/');
}

/** Parses the `kind` segment of a definition path (`job` or `cronjob`). */
export function parseDefinitionKind(
  value: string | undefined,
): DefinitionKind | undefined {
  switch (value?.toLocaleLowerCase('en-US')) {
    case 'job':
      return 'Job';
    case 'cronjob':
      return 'CronJob';
    default:
      return undefined;
  }
}
