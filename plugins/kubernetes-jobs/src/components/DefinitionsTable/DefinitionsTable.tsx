import { ReactNode } from 'react';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { DefinitionSummary } from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  describeSchedule,
  formatDuration,
  formatPercent,
  formatRelativeTime,
  formatTimestamp,
} from '../../utils/format';
import { isActiveRun, runDurationSeconds } from '../../utils/runs';
import { RunStatus } from '../RunStatus/RunStatus';

/**
 * Props of {@link DefinitionsTable}.
 *
 * @public
 */
export interface DefinitionsTableProps {
  items: DefinitionSummary[];
  title?: string;
  /** Where a definition's name links to (its runs and logs). */
  getDetailsLink: (item: DefinitionSummary) => string;
  /** The Run / Kill buttons of a row. */
  renderActions?: (item: DefinitionSummary) => ReactNode;
  /** Adds a column linking to the entity each definition belongs to (for the Jobs page). */
  showEntity?: boolean;
  /** With `showEntity`, also names the owner of that entity. */
  showOwner?: boolean;
  /** Shown instead of an empty table. */
  emptyContent?: ReactNode;
}

function Secondary(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary" component="div">
      {props.children}
    </Typography>
  );
}

function buildColumns(
  props: DefinitionsTableProps,
): TableColumn<DefinitionSummary>[] {
  const columns: TableColumn<DefinitionSummary>[] = [
    {
      title: 'Job',
      field: 'definition.name',
      highlight: true,
      cellStyle: { minWidth: 220 },
      render: item => (
        <>
          <Link
            to={props.getDetailsLink(item)}
            style={{ whiteSpace: 'nowrap' }}
          >
            {item.definition.name}
          </Link>
          {item.definition.description && (
            <Secondary>{item.definition.description}</Secondary>
          )}
        </>
      ),
    },
    {
      title: 'Kind',
      field: 'definition.kind',
      render: ({ definition }) =>
        definition.kind === 'CronJob' && definition.schedule ? (
          <>
            CronJob
            <Secondary>
              Runs {describeSchedule(definition.schedule, definition.timeZone)}
              {definition.suspended && ' (schedule paused)'}
            </Secondary>
          </>
        ) : (
          definition.kind
        ),
    },
    {
      title: 'Where',
      field: 'definition.namespace',
      render: ({ definition }) => (
        <>
          {definition.namespace}
          <Secondary>cluster {definition.cluster}</Secondary>
        </>
      ),
    },
  ];

  if (props.showEntity) {
    columns.push({
      title: 'Component',
      field: 'definition.entityRef',
      render: ({ definition }) => (
        <>
          {definition.entityRef ? (
            <EntityRefLink entityRef={definition.entityRef} />
          ) : (
            <Secondary>none</Secondary>
          )}
          {props.showOwner && definition.entityOwnerRef && (
            <Secondary>
              owned by{' '}
              <EntityRefLink
                entityRef={definition.entityOwnerRef}
                defaultKind="group"
                hideIcon
              />
            </Secondary>
          )}
        </>
      ),
    });
  }

  columns.push(
    {
      title: 'Last run',
      field: 'stats.lastRun.state',
      cellStyle: { minWidth: 160 },
      render: ({ stats }) => {
        const run = stats.lastRun;
        const when = run?.startedAt ?? run?.triggeredAt ?? run?.createdAt;
        return (
          <>
            <RunStatus state={run?.state} />
            {run?.failure?.reason && (
              <Secondary>{run.failure.reason}</Secondary>
            )}
            {when && (
              <Secondary>
                <span title={formatTimestamp(when)}>
                  {formatRelativeTime(when)}
                </span>
                {run?.triggeredBy && (
                  <>
                    {' by '}
                    <EntityRefLink
                      entityRef={run.triggeredBy}
                      defaultKind="user"
                      hideIcon
                    />
                  </>
                )}
              </Secondary>
            )}
          </>
        );
      },
    },
    {
      title: 'Took',
      field: 'stats.lastRun.durationSeconds',
      render: ({ stats }) => {
        const duration = formatDuration(runDurationSeconds(stats.lastRun));
        return (
          <span style={{ whiteSpace: 'nowrap' }}>
            {isActiveRun(stats.lastRun) && duration
              ? `${duration} so far`
              : duration}
          </span>
        );
      },
    },
    {
      title: 'Success rate',
      field: 'stats.successRate',
      render: ({ stats }) => {
        const finished =
          stats.counts.succeeded + stats.counts.failed + stats.counts.killed;
        return stats.successRate === undefined ? null : (
          <>
            {formatPercent(stats.successRate)}
            <Secondary>
              {stats.counts.succeeded} of {finished} finished
            </Secondary>
          </>
        );
      },
    },
  );

  if (props.renderActions) {
    columns.push({
      title: 'Actions',
      sorting: false,
      searchable: false,
      render: item => (
        <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
          {props.renderActions?.(item)}
        </Box>
      ),
    });
  }

  return columns;
}

/**
 * Definitions with the outcome of their last run and their actions.
 *
 * @public
 */
export function DefinitionsTable(props: DefinitionsTableProps) {
  const { items, title = 'Jobs', emptyContent } = props;

  const columns = buildColumns(props);

  return (
    <Table<DefinitionSummary>
      title={title}
      columns={columns}
      // material-table writes bookkeeping into its rows: give it copies, not the hook's
      // state. Without a stable `id` it remounts every row whenever the data changes, which
      // would drop focus and close an open Run dialog at each refresh while a run is active.
      data={items.map(item => ({ ...item, id: item.definition.uid }))}
      options={{
        paging: items.length > 20,
        pageSize: 20,
        search: true,
        padding: 'dense',
      }}
      emptyContent={emptyContent}
    />
  );
}
