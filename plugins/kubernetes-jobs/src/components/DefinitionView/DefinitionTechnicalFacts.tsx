import { ReactNode } from 'react';
import { JobDefinition } from '@job-assistant/plugin-kubernetes-jobs-common';
import { formatDuration } from '../../utils/format';
import { TechnicalFacts } from '../TechnicalDetails/TechnicalDetails';

/** Props of {@link DefinitionTechnicalFacts}. */
export interface DefinitionTechnicalFactsProps {
  definition: JobDefinition;
}

/** Where a definition lives in Kubernetes and what it runs, in Kubernetes' own terms. */
export function DefinitionTechnicalFacts(props: DefinitionTechnicalFactsProps) {
  const { definition } = props;
  const facts: Array<[string, ReactNode]> = [
    ['Kind', definition.kind],
    ['Name', definition.name],
    ['Namespace', definition.namespace],
    ['Cluster', definition.cluster],
    [
      'Containers',
      definition.containers.length === 0
        ? undefined
        : definition.containers.map(c => (
            <div key={c.name}>
              {c.name}
              {c.image && `: ${c.image}`}
            </div>
          )),
    ],
  ];
  if (definition.schedule) {
    const zone = definition.timeZone ? ` (${definition.timeZone})` : '';
    const suspended = definition.suspended ? ', suspended' : '';
    facts.push(['Schedule', `${definition.schedule}${zone}${suspended}`]);
  }
  if (definition.backoffLimit !== undefined) {
    facts.push(['backoffLimit', String(definition.backoffLimit)]);
  }
  if (definition.activeDeadlineSeconds !== undefined) {
    facts.push([
      'activeDeadlineSeconds',
      `${definition.activeDeadlineSeconds} (${formatDuration(
        definition.activeDeadlineSeconds,
      )})`,
    ]);
  }
  return <TechnicalFacts facts={facts} />;
}
