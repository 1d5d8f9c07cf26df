import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  DefinitionDetails,
  JobDefinition,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  describeSchedule,
  formatDuration,
  formatPercent,
  plural,
} from '../../utils/format';
import { Fact } from '../Fact/Fact';
import { Person } from '../Person/Person';
import { ScheduleControl } from '../ScheduleControl/ScheduleControl';
import { TechnicalDetails } from '../TechnicalDetails/TechnicalDetails';
import { DefinitionTechnicalFacts } from './DefinitionTechnicalFacts';

/** "12 runs: 8 succeeded, 2 failed, 1 stopped, 1 active." */
function historyCounts(details: DefinitionDetails): string {
  const { counts } = details.stats;
  if (counts.total === 0) {
    return 'Never ran.';
  }
  const parts = [
    `${counts.succeeded} succeeded`,
    `${counts.failed} failed`,
    counts.killed > 0 && `${counts.killed} stopped`,
    counts.active > 0 && `${counts.active} active`,
  ].filter(Boolean);
  return `${plural(counts.total, 'run')}: ${parts.join(', ')}.`;
}

/** Props of {@link DefinitionAbout}. */
export interface DefinitionAboutProps {
  details: DefinitionDetails;
  /** Shows which component the definition belongs to (on the global Jobs page). */
  showEntity?: boolean;
  /** The entity the definition belongs to, for pausing or resuming its schedule. */
  entityRef?: string;
  /** Called once its schedule was paused or resumed. */
  onScheduleChanged?: (definition: JobDefinition) => void;
}

/**
 * What a definition does, in plain words: when it runs, how many at once, whom it belongs to
 * and how its runs went. Where it lives and what it runs in Kubernetes' terms is under
 * "Technical details".
 */
export function DefinitionAbout(props: DefinitionAboutProps) {
  const { definition, stats } = props.details;
  const { succeeded, failed } = stats.counts;
  return (
    <InfoCard title="About this Job">
      {definition.description && (
        <Typography paragraph>{definition.description}</Typography>
      )}
      <Box
        component="dl"
        display="flex"
        flexWrap="wrap"
        style={{ gap: 24, margin: 0 }}
      >
        <Fact minWidth={180} maxWidth={420} label="When">
          {definition.kind === 'CronJob' && definition.schedule
            ? `Runs ${describeSchedule(
                definition.schedule,
                definition.timeZone,
              )}${
                definition.suspended ? ' (schedule paused)' : ''
              }, and when someone presses Run`
            : 'Only when someone presses Run'}
        </Fact>
        <Fact minWidth={180} maxWidth={420} label="At the same time">
          {definition.allowParallelRuns
            ? 'Several runs may be active at once'
            : 'One run at a time'}
        </Fact>
        {props.showEntity && definition.entityRef && (
          <Fact minWidth={180} maxWidth={420} label="Belongs to">
            <EntityRefLink entityRef={definition.entityRef} />
          </Fact>
        )}
        {definition.entityOwnerRef && (
          <Fact minWidth={180} maxWidth={420} label="Owned by">
            <Person entityRef={definition.entityOwnerRef} defaultKind="group" />
          </Fact>
        )}
        <Fact minWidth={180} maxWidth={420} label="History">
          {historyCounts(props.details)}
          {stats.successRate !== undefined && (
            <>
              {' '}
              Success rate{' '}
              <span style={{ whiteSpace: 'nowrap' }}>
                {formatPercent(stats.successRate)}
              </span>{' '}
              of the {plural(succeeded + failed, 'run')} that finished without
              being stopped.
            </>
          )}
          {stats.typicalDurationSeconds !== undefined &&
            ` Usually takes ${formatDuration(stats.typicalDurationSeconds)}.`}
        </Fact>
      </Box>
      {props.entityRef && (
        <ScheduleControl
          definition={definition}
          entityRef={props.entityRef}
          onChanged={props.onScheduleChanged}
        />
      )}
      {definition.parameters && definition.parameters.length > 0 && (
        <Box mt={2}>
          <Typography variant="body2">
            Asks, at each run, for:{' '}
            {definition.parameters.map(p => p.title ?? p.name).join(', ')}.
          </Typography>
        </Box>
      )}
      <TechnicalDetails about="of this Job">
        <DefinitionTechnicalFacts definition={definition} />
      </TechnicalDetails>
    </InfoCard>
  );
}
