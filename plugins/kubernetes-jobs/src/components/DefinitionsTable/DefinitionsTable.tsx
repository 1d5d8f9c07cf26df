import { ReactNode, useMemo, useRef } from 'react';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { Theme } from '@material-ui/core/styles';
import {
  DefinitionSummary,
  JobDefinition,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useNow } from '../../hooks/useNow';
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
import { RunProgress } from '../RunProgress/RunProgress';

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
  /**
   * The items are one page of a list paged and sorted by the backend: the table neither pages
   * nor sorts them itself (sorting one page would mislead).
   */
  pagedElsewhere?: boolean;
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
  /**
   * The table is narrow: when it runs, its component and where it lives are stacked under the
   * Job's name, and the success rate (also on the Job's page) is left out, so the rest stays
   * readable.
   */
  compact: boolean;
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

/** Sentences wrap between words; never inside one ("Europe/P aris"). */
const WORD_WRAP = { overflowWrap: 'normal', wordBreak: 'normal' } as const;

/**
 * Less room between columns than Backstage's default (20 px and 16 px): with the sidebar open,
 * every column then fits a 1280 px wide window without a horizontal scroll bar.
 */
const CELL_PADDING = { paddingLeft: 10, paddingRight: 10 } as const;

/** A column, and the least width its cells need (material-table has no such setting). */
type SizedColumn = TableColumn<DefinitionSummary> & { minWidth?: number };

/**
 * Each column as wide as its content asks: material-table's default, equal widths, left "Where"
 * wider than it needs and squeezed "When it runs" to one word a line. Every cell wraps
 * between words only.
 */
function sizeColumns(columns: SizedColumn[]): TableColumn<DefinitionSummary>[] {
  return columns.map(({ minWidth, ...column }, index) => {
    // The first column stays in line with the table's title.
    const padding = index === 0 ? { paddingRight: 10 } : CELL_PADDING;
    return {
      ...column,
      width: 'auto',
      cellStyle: { ...WORD_WRAP, ...padding, minWidth },
      headerStyle: padding,
    };
  });
}

function LastRunCell({ item: { stats } }: { item: DefinitionSummary }) {
  const run = stats.lastRun;
  const active = isActiveRun(run);
  // An active run's time so far moves while the page is open.
  const now = useNow({ enabled: active });
  const when = run?.startedAt ?? run?.triggeredAt ?? run?.createdAt;
  const duration = formatDuration(runDurationSeconds(run, now));
  return (
    <>
      <RunOutcome run={run} />
      {run && <RunProgress run={run} stats={stats} />}
      {run && when && (
        <Secondary>
          <span title={formatTimestamp(when)}>
            {formatRelativeTime(when, now)}
          </span>{' '}
          <RunTrigger run={run} />
          {duration && !active && (
            <>
              , <span style={NO_WRAP}>took {duration}</span>
            </>
          )}
        </Secondary>
      )}
      {duration && active && <Secondary>{duration} so far</Secondary>}
    </>
  );
}

function WhenItRuns({ definition }: { definition: JobDefinition }) {
  return (
    <Typography variant="body2" component="div">
      {definition.kind === 'CronJob' && definition.schedule ? (
        <>
          Runs {describeSchedule(definition.schedule, definition.timeZone)}
          {definition.suspended && ' (schedule paused)'}
          <Secondary>and when someone presses Run</Secondary>
        </>
      ) : (
        'When someone presses Run'
      )}
    </Typography>
  );
}

function Where({ definition }: { definition: JobDefinition }) {
  return (
    <>
      {definition.cluster}
      <Secondary>{definition.namespace}</Secondary>
    </>
  );
}

function EntityAndOwner(props: {
  definition: JobDefinition;
  showOwner: boolean;
}) {
  const { definition, showOwner } = props;
  return (
    <>
      {definition.entityRef ? (
        <EntityRefLink entityRef={definition.entityRef} />
      ) : (
        <Secondary>none</Secondary>
      )}
      {showOwner && definition.entityOwnerRef && (
        <Secondary>
          owned by{' '}
          <Person entityRef={definition.entityOwnerRef} defaultKind="group" />
        </Secondary>
      )}
    </>
  );
}

/**
 * In a narrow table, what the hidden columns say, under the Job's name: when it runs, its
 * component, and where it lives.
 */
function Stacked(props: { definition: JobDefinition; options: ColumnOptions }) {
  const { definition, options } = props;
  return (
    <>
      <Box mt={1}>
        <WhenItRuns definition={definition} />
      </Box>
      {options.showEntity && (
        <Box mt={1}>
          <Typography variant="body2" component="div">
            <EntityAndOwner
              definition={definition}
              showOwner={options.showOwner}
            />
          </Typography>
        </Box>
      )}
      {options.showWhere && (
        <Secondary>
          In {definition.cluster}, {definition.namespace}
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
  const columns: SizedColumn[] = [
    {
      title: 'Job',
      field: 'definition.name',
      highlight: true,
      render: item => (
        <>
          <Link to={callbacks.current.getDetailsLink(item)} style={NO_WRAP}>
            {item.definition.name}
          </Link>
          {item.definition.description && (
            <Secondary>{item.definition.description}</Secondary>
          )}
          {options.compact && (
            <Stacked definition={item.definition} options={options} />
          )}
        </>
      ),
    },
    {
      title: 'When it runs',
      field: 'definition.schedule',
      // Two words a line at least: "When someone / presses Run".
      minWidth: 140,
      hidden: options.compact,
      render: ({ definition }) => <WhenItRuns definition={definition} />,
    },
  ];

  if (options.showWhere) {
    columns.push({
      title: 'Where',
      field: 'definition.cluster',
      hidden: options.compact,
      render: ({ definition }) => <Where definition={definition} />,
    });
  }

  if (options.showEntity) {
    columns.push({
      title: 'Component',
      field: 'definition.entityRef',
      hidden: options.compact,
      render: ({ definition }) => (
        <EntityAndOwner definition={definition} showOwner={options.showOwner} />
      ),
    });
  }

  columns.push(
    {
      title: 'Last run',
      field: 'stats.lastRun.state',
      minWidth: 160,
      render: item => <LastRunCell item={item} />,
    },
    {
      title: 'Success rate',
      field: 'stats.successRate',
      hidden: options.compact,
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

  return sizeColumns(columns);
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
  // Below the width where every column fits beside the sidebar (1280 px on the Jobs page).
  const compact = useMediaQuery((theme: Theme) => theme.breakpoints.down('md'));
  const columns = useMemo(
    () =>
      buildColumns(
        { showEntity, showOwner, showWhere, showActions, compact },
        callbacks,
      ),
    [showEntity, showOwner, showWhere, showActions, compact],
  );

  const pagedElsewhere = !!props.pagedElsewhere;
  const paging = !pagedElsewhere && items.length > 20;
  const options = useMemo(
    () => ({
      paging,
      pageSize: 20,
      search,
      sorting: !pagedElsewhere,
      padding: 'dense' as const,
    }),
    [paging, search, pagedElsewhere],
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
