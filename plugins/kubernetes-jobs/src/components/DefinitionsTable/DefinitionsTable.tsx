import { ReactNode, useMemo, useRef } from 'react';
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
import { Person, RunTrigger } from '../Person/Person';
import { RunOutcome } from '../RunOutcome/RunOutcome';

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
  /** The Run / Stop buttons of a row. */
  renderActions?: (item: DefinitionSummary) => ReactNode;
  /** Adds a column linking to the entity each definition belongs to (for the Jobs page). */
  showEntity?: boolean;
  /** With `showEntity`, also names the owner of that entity. */
  showOwner?: boolean;
  /** Shown instead of an empty table. */
  emptyContent?: ReactNode;
  /** The table's own search box (default); off where the page filters the items itself. */
  search?: boolean;
}

type Callbacks = Pick<
  DefinitionsTableProps,
  'getDetailsLink' | 'renderActions'
>;

interface ColumnOptions {
  showEntity: boolean;
  showOwner: boolean;
  /** Definitions live in more than one place: say where each one does. */
  showWhere: boolean;
  showActions: boolean;
}

function Secondary(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary" component="div">
      {props.children}
    </Typography>
  );
}

/** Keeps a number and its unit on one line. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

function LastRunCell({ item: { stats } }: { item: DefinitionSummary }) {
  const run = stats.lastRun;
  const when = run?.startedAt ?? run?.triggeredAt ?? run?.createdAt;
  return (
    <>
      <RunOutcome run={run} />
      {run && when && (
        <Secondary>
          <span title={formatTimestamp(when)}>{formatRelativeTime(when)}</span>{' '}
          <RunTrigger run={run} />
        </Secondary>
      )}
    </>
  );
}

function SuccessRateCell({ item: { stats } }: { item: DefinitionSummary }) {
  const { succeeded, failed, killed } = stats.counts;
  // Over the runs that finished by themselves: a stopped run is a person's decision.
  const finished = succeeded + failed;
  return (
    <>
      {stats.successRate !== undefined && (
        <span style={NO_WRAP}>{formatPercent(stats.successRate)}</span>
      )}
      {finished > 0 && (
        <Secondary>
          {succeeded} of {finished} finished
        </Secondary>
      )}
      {killed > 0 && <Secondary>{killed} stopped</Secondary>}
    </>
  );
}

/**
 * The columns, built once per set of options: material-table resets its state (and warns)
 * when it gets new column functions at every render. The callbacks are read through a ref,
 * so a parent that passes new ones at each render does not rebuild the columns.
 */
function buildColumns(
  options: ColumnOptions,
  callbacks: { current: Callbacks },
): TableColumn<DefinitionSummary>[] {
  const columns: TableColumn<DefinitionSummary>[] = [
    {
      title: 'Job',
      field: 'definition.name',
      highlight: true,
      cellStyle: { minWidth: 220 },
      render: item => (
        <>
          <Link to={callbacks.current.getDetailsLink(item)} style={NO_WRAP}>
            {item.definition.name}
          </Link>
          {item.definition.description && (
            <Secondary>{item.definition.description}</Secondary>
          )}
        </>
      ),
    },
    {
      title: 'When it runs',
      field: 'definition.schedule',
      render: ({ definition }) =>
        definition.kind === 'CronJob' && definition.schedule ? (
          <>
            Runs {describeSchedule(definition.schedule, definition.timeZone)}
            {definition.suspended && ' (schedule paused)'}
            <Secondary>and when someone presses Run</Secondary>
          </>
        ) : (
          'When someone presses Run'
        ),
    },
  ];

  if (options.showWhere) {
    columns.push({
      title: 'Where',
      field: 'definition.cluster',
      render: ({ definition }) => (
        <>
          {definition.cluster}
          <Secondary>{definition.namespace}</Secondary>
        </>
      ),
    });
  }

  if (options.showEntity) {
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
          {options.showOwner && definition.entityOwnerRef && (
            <Secondary>
              owned by{' '}
              <Person
                entityRef={definition.entityOwnerRef}
                defaultKind="group"
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
      cellStyle: { minWidth: 180, maxWidth: 360 },
      render: item => <LastRunCell item={item} />,
    },
    {
      title: 'Took',
      field: 'stats.lastRun.durationSeconds',
      render: ({ stats }) => {
        const duration = formatDuration(runDurationSeconds(stats.lastRun));
        return (
          <span style={NO_WRAP}>
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
      render: item => <SuccessRateCell item={item} />,
    },
  );

  if (options.showActions) {
    columns.push({
      title: 'Actions',
      sorting: false,
      searchable: false,
      render: item => (
        <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
          {callbacks.current.renderActions?.(item)}
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
  const { items, title = 'Jobs', emptyContent, search = true } = props;
  const callbacks = useRef<Callbacks>(props);
  callbacks.current = props;

  const showEntity = !!props.showEntity;
  const showOwner = !!props.showOwner;
  const showActions = !!props.renderActions;
  const showWhere =
    new Set(items.map(i => `${i.definition.cluster}/${i.definition.namespace}`))
      .size > 1;
  const columns = useMemo(
    () =>
      buildColumns(
        { showEntity, showOwner, showWhere, showActions },
        callbacks,
      ),
    [showEntity, showOwner, showWhere, showActions],
  );

  const paging = items.length > 20;
  const options = useMemo(
    () => ({ paging, pageSize: 20, search, padding: 'dense' as const }),
    [paging, search],
  );

  return (
    <Table<DefinitionSummary>
      title={title}
      columns={columns}
      // material-table writes bookkeeping into its rows: give it copies, not the hook's
      // state. Without a stable `id` it remounts every row whenever the data changes, which
      // would drop focus and close an open Run dialog at each refresh while a run is active.
      data={items.map(item => ({ ...item, id: item.definition.uid }))}
      options={options}
      localization={{
        body: { emptyDataSourceMessage: 'No Jobs match this search' },
      }}
      emptyContent={emptyContent}
    />
  );
}
